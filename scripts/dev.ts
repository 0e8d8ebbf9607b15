// `npm run dev`: the whole pipeline locally. Ctrl-C stops everything.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { OFFLINE_ENV } from "./local-stack/offline-env.ts";
import { startLocalStack } from "./local-stack/start-local-stack.ts";

Object.assign(process.env, OFFLINE_ENV);

if (existsSync(".env")) process.loadEnvFile(".env");
// An old .env may still name the retired Accelerate pool: say so, instead of starting a stack that ignores it.
if (process.env.DATABASE_URL) {
  if (/^prisma(\+postgres)?:\/\//i.test(process.env.DATABASE_URL)) {
    console.error(
      "[eventline] DATABASE_URL is a Prisma Accelerate URL; Accelerate was retired on 2026-12-01. Remove it from .env: npm run dev connects the consumer's Hyperdrive binding to DIRECT_URL (or the embedded database). See docs/configuration.md#moving-from-accelerate",
    );
    process.exit(2);
  }
  console.warn(
    "[eventline] DATABASE_URL is not used by npm run dev: the consumer's local Hyperdrive binding connects to DIRECT_URL (or the embedded database)",
  );
}
const stateDir = resolve(process.env.EVENTLINE_STATE_DIR ?? ".eventline");
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// `LOG_LEVEL=debug npm run dev` also logs every accepted ingest request.
const logLevel = process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : undefined;

const stack = await startLocalStack({
  stateDir,
  directUrl: process.env.DIRECT_URL,
  ports: {
    postgres: port("EVENTLINE_PG_PORT", 54329),
    ingest: port("EVENTLINE_PORT", 8787),
    ops: port("EVENTLINE_OPS_PORT", 8788),
  },
  workersStdio: "inherit",
  vars: { producer: logLevel, consumer: logLevel },
  watch: true,
  log: (l) => console.log(`[eventline] ${l}`),
});

console.log(`
[eventline] ready — producer, consumers and cron are running (both Workers in one local runtime)
  ingest URL      ${stack.ingestUrl}/v1/events        (producer Worker)
  operations URL  ${stack.opsUrl}   (consumer Worker: /admin/…, /v1/rollups)
  console         ${stack.opsUrl}/console   (operator console: log in with the admin token)
  database        ${stack.directUrl}
                  (the consumer's HYPERDRIVE binding connects here; DIRECT_URL for migrations and psql)
  API key         ${stack.secrets.apiKey}   (source "${stack.secrets.source}")
  admin token     ${stack.secrets.adminToken}

  curl -X POST ${stack.ingestUrl}/v1/events -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${stack.secrets.apiKey}' -d '{"type":"signup","payload":{"plan":"pro"}}'
  curl ${stack.opsUrl}/admin/stats -H 'authorization: Bearer ${stack.secrets.adminToken}'
  cron:  curl '${stack.opsUrl}/cdn-cgi/handler/scheduled?cron=15+0+*+*+*'
`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log("[eventline] stopping…");
  await stack.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
stack.workers.child.on("exit", (code) => void shutdown(code ?? 1));
