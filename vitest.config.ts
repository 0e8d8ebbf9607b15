import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type Plugin } from "vitest/config";
import { OFFLINE_ENV } from "./scripts/local-stack/offline-env.ts";
import {
  TEST_ADMIN_TOKEN,
  TEST_AUTH_FAILURE_LIMIT,
  TEST_CONSOLE_SESSION_SECRET,
  TEST_KEYS,
  TEST_METRICS_TOKEN,
  TEST_RATE_LIMIT,
  TEST_SIGNING_SECRET,
  TEST_SOURCES,
} from "./test/support/credentials.ts";

// Nothing in a test run may try to reach the internet (wrangler metrics, update checks, cf fetch).
Object.assign(process.env, OFFLINE_ENV);

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const apiKeys = (Object.keys(TEST_KEYS) as (keyof typeof TEST_KEYS)[]).map((k) => `${TEST_SOURCES[k]}:${sha256(TEST_KEYS[k])}`).join("\n");

/**
 * pg reaches workerd's sockets through pg-cloudflare, whose package exports it
 * only under the "workerd" condition; Vite's resolver in the workers projects
 * does not pick that condition for it (without this: "CloudflareSocket is not a
 * constructor"). Root level: per-project plugins and aliases did not take.
 */
const pgCloudflare: Plugin = {
  name: "eventline:pg-cloudflare",
  enforce: "pre",
  resolveId(id) {
    if (id === "pg-cloudflare")
      return createRequire(import.meta.url)
        .resolve("pg-cloudflare/package.json")
        .replace(/package\.json$/, "dist/index.js");
  },
};

/** The workspace packages, by name, resolve to their sources (the `eventline-source` export condition). */
const workspaceSources: Plugin = {
  name: "eventline:workspace-sources",
  enforce: "pre",
  resolveId(id) {
    const sources: Record<string, string> = {
      "@eventline/protocol": "packages/protocol/src/index.ts",
      "@eventline/client": "client/src/index.ts",
    };
    if (id in sources) return new URL(sources[id]!, import.meta.url).pathname;
  },
};

/** Each Worker's handlers run in workerd with that Worker's own wrangler.toml environment. */
const PRODUCER_TESTS = ["test/producer.workers.test.ts", "test/bench/**/*.workers.test.ts"];

export default defineConfig({
  plugins: [pgCloudflare, workspaceSources],
  test: {
    // Most of a test's time is waiting — on the local queue's batch window, on workerd, on PostgreSQL, on a
    // poll — so three files at a time on this 2-core machine: 258 s serial, 131 s so, every test passing.
    maxWorkers: 3,
    projects: [
      {
        // Everything that runs in plain Node: pure logic, and Node-side tooling and database code, some of which
        // starts real processes (PostgreSQL, tsc builds of the packages).
        test: {
          name: "node",
          include: ["test/**/*.test.ts", "client/test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
          exclude: ["test/**/*.workers.test.ts", "**/*.e2e.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The producer Worker's fetch, with the real local queue. A recorder Worker consumes the queue so that
        // tests see exactly what was enqueued; the consumer and the database are the other project's and e2e's.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml", environment: "producer" },
            miniflare: {
              bindings: { API_KEYS: apiKeys, SIGNING_SECRETS: `${TEST_SOURCES.signed}:${TEST_SIGNING_SECRET}` },
              ratelimits: {
                INGEST_RATE_LIMITER: { namespace_id: "1001", simple: { limit: TEST_RATE_LIMIT, period: 60 } },
                AUTH_FAILURE_LIMITER: { namespace_id: "1003", simple: { limit: TEST_AUTH_FAILURE_LIMIT, period: 60 } },
              },
              kvNamespaces: { RECORDED: "recorded-messages" },
              workers: [
                {
                  name: "queue-recorder",
                  modules: true,
                  scriptPath: "./test/support/queue-recorder.worker.js",
                  compatibilityDate: "2026-11-01",
                  queueConsumers: { "eventline-events": { maxBatchTimeout: 0.05 } },
                  kvNamespaces: { RECORDED: "recorded-messages" },
                },
              ],
            },
          }),
        ],
        test: {
          name: "producer",
          include: PRODUCER_TESTS,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The consumer Worker's queue, scheduled and fetch handlers, with the real local database through the
        // Hyperdrive binding; outage tests swap in a binding whose database hangs or refuses.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml", environment: "consumer" },
            miniflare: {
              ratelimits: {
                READ_RATE_LIMITER: { namespace_id: "1002", simple: { limit: TEST_RATE_LIMIT, period: 60 } },
                AUTH_FAILURE_LIMITER: { namespace_id: "1003", simple: { limit: TEST_AUTH_FAILURE_LIMIT, period: 60 } },
              },
              hyperdrives: {
                HYPERDRIVE: inject("directUrl"),
                HANGING_HYPERDRIVE: inject("hangingDatabaseUrl"),
                REFUSING_HYPERDRIVE: inject("refusingDatabaseUrl"),
                UNREACHABLE_HYPERDRIVE: inject("unreachableDatabaseUrl"),
              },
              bindings: {
                API_KEYS: apiKeys,
                ADMIN_TOKEN_SHA256: sha256(TEST_ADMIN_TOKEN),
                CONSOLE_SESSION_SECRET: TEST_CONSOLE_SESSION_SECRET,
                METRICS_TOKEN_SHA256: sha256(TEST_METRICS_TOKEN),
              },
            },
          })),
        ],
        test: {
          name: "consumer",
          include: ["test/**/*.workers.test.ts"],
          exclude: PRODUCER_TESTS,
          globalSetup: ["test/support/local-database.global.ts", "test/support/hanging-endpoint.global.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The whole local stack as a user runs it: embedded Postgres, pool, both Workers.
        test: {
          name: "e2e",
          include: ["test/**/*.e2e.test.ts"],
          environment: "node",
          // Every exchange with the local stack is checked against the Workers' OpenAPI documents.
          setupFiles: ["test/support/contract.setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The client library against the local stack and a fault-injecting proxy, in Node…
        test: {
          name: "client-node",
          include: ["client/test/**/*.e2e.test.ts"],
          environment: "node",
          globalSetup: ["client/test/support/client-stack.global.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // …and the same test file in workerd, the runtime of Workers that send events.
        plugins: [cloudflareTest({ miniflare: { compatibilityDate: "2026-11-01", compatibilityFlags: ["nodejs_compat"] } })],
        test: {
          name: "client-workerd",
          include: ["client/test/**/*.e2e.test.ts"],
          globalSetup: ["client/test/support/client-stack.global.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
