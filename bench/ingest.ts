// bench/ingest: requests/s and latency of POST /v1/events under wrangler dev,
// for single events and 100-event batches, in the same run as two baselines
// in the benchmark's build of the Worker (bench/worker/), plus the CPU each part of the
// local pipeline spends per request:
//   - bare 202: only answers 202 (the issue's baseline: goal ≥ 70% of it);
//   - enqueue only: the two binding calls an ingest request makes (rate
//     limiter, sendBatch of the body's events) and nothing else. Both bindings
//     are local simulators under wrangler dev, with a cost of their own; this
//     is the ceiling for any ingest route here, and ingest's ratio to it is
//     the cost of everything our route adds (auth, parsing, validation, the
//     response).
//
// Two configurations, each its own wrangler dev:
//   1. wrangler.toml as shipped;
//   2. the same without the [[ratelimits]] binding: locally every limit()
//      call is a fetch into miniflare's rate-limiter Durable Object (in
//      production a counter cached on the machine), so this shows what the
//      local simulator costs.
//
//   npm run bench:ingest [-- --seconds 8 --connections 10]
//
// The local queue simulator fails with ~10,000 messages pending, so batch runs
// are bounded, and every run that enqueues is drained (the consumer has
// written every accepted event) before the next run starts.
//
// wrangler's state (--persist-to) goes to /dev/shm when there is one: the
// local rate limiter is a Durable Object that writes SQLite on every limit();
// on a disk each write waits for it, which measures the disk, not the Worker.
// The state is thrown away after the run.
import { existsSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { writeEditedWranglerConfig } from "../scripts/local-stack/edited-wrangler-config.ts";
import { type LocalStack, startLocalStack } from "../scripts/local-stack/start-local-stack.ts";
import { generateApiKey } from "../src/auth/api-keys.ts";
import { sha256Hex } from "../src/auth/sha256.ts";
import { startDatabaseProcess } from "./lib/database-process.ts";
import { boundedLoad, type LoadResult, timedLoad } from "./lib/load.ts";
import { cpuByPart, cpuDelta } from "./lib/process-cpu.ts";

// Ctrl-C exits through process.exit, so the exit hooks stop wrangler and the database process.
process.once("SIGINT", () => process.exit(130));

const { values: args } = parseArgs({
  options: { seconds: { type: "string", default: "8" }, connections: { type: "string", default: "10" } },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
// 100-event batches: 80 requests = 8,000 messages per run, below the ~10,000 pending at which the local queue fails.
const BATCH_REQUESTS = 80;
const BATCH_ROUNDS = 9;
const SINGLE_ROUNDS = 5;
// After a drain the consumer still acks and logs its last batch: runs start only after this pause.
const SETTLE_MS = 1_500;

// Many keys, so the per-key rate limit (6,000/min) measures its cost without capping the run.
const keys = Array.from({ length: 64 }, () => generateApiKey());
const apiKeys = (await Promise.all(keys.map(async (k, i) => `bench-${i % 4}:${await sha256Hex(k)}`))).join("\n");

let seq = 0;
const single = () => JSON.stringify({ id: `s-${seq++}`, type: "bench.single", payload: { user: "u-1", plan: "pro", amount: 12.5 } });
const batch = () =>
  JSON.stringify({
    events: Array.from({ length: 100 }, () => ({
      id: `b-${seq++}`,
      type: "bench.batch",
      payload: { user: "u-1", plan: "pro", amount: 12.5 },
    })),
  });
const headers = (k: number) => ({ "content-type": "application/json", authorization: `Bearer ${keys[k % keys.length]}` });

interface RunResult extends LoadResult {
  /** CPU ms per request by part, from the start of the run until the consumer has written what it accepted. */
  cpu: Map<string, number>;
}

// The database process (PGlite + pool) is shared by both configurations: its own process, so its work never stalls the load generator.
const database = await startDatabaseProcess();
const db = new pg.Client({ connectionString: database.directUrl });
await db.connect();
let acceptedEvents = 0;

async function drain() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const n = Number((await db.query("SELECT count(*)::int AS n FROM events")).rows[0].n);
    if (n >= acceptedEvents) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`consumer did not write ${acceptedEvents} events within 120 s`);
}

const STATE_ROOT = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

async function startStack(withoutRateLimiter: boolean) {
  const stateDir = await mkdtemp(join(STATE_ROOT, "eventline-bench-"));
  const log = await open(join(stateDir, "workers.log"), "w");
  // The benchmark's build of the producer: the production entry plus the baseline routes (bench/worker/).
  const edits: [RegExp, string][] = [
    [/^main = ".*\/src\/producer\.ts"$/m, `main = ${JSON.stringify(resolve("bench/worker/bench-entry.ts"))}`],
  ];
  // The producer's [[ratelimits]] table, up to the next table.
  if (withoutRateLimiter) edits.push([/^\[\[env\.producer\.ratelimits\]\][\s\S]*?(?=^\[)/m, ""]);
  const wranglerConfig = await writeEditedWranglerConfig(stateDir, edits);
  const stack = await startLocalStack({
    stateDir,
    directUrl: database.directUrl,
    databaseUrl: database.poolUrl,
    ports: { ingest: 0, ops: 0 },
    workersStdio: log.fd,
    wranglerConfig,
    apiKeys,
  });
  return {
    stack,
    async stop() {
      await stack.stop();
      await log.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

interface Route {
  name: string;
  path: string;
  /** Whether a 2xx put the body's events on the queue (then the run is drained). */
  enqueues: boolean;
}

/** The baseline (issue's goal: ingest ≥ 70% of it), the binding-only floor (see bench/worker/bench-routes.ts), and the real route. */
const BARE: Route = { name: "bare 202", path: "/__bench/accepted", enqueues: false };
const ENQUEUE_ONLY: Route = { name: "enqueue only", path: "/__bench/enqueued", enqueues: true };
const INGEST: Route = { name: "ingest", path: "/v1/events", enqueues: true };
const ROUTES = [BARE, ENQUEUE_ONLY, INGEST];

async function measured(stack: LocalStack, route: Route, per: number, send: () => Promise<LoadResult>): Promise<RunResult> {
  const groups = { wranglerPgid: stack.workers.child.pid!, databasePgid: database.pgid };
  const before = await cpuByPart(groups);
  const r = await send();
  if (route.enqueues) {
    acceptedEvents += r.ok * per;
    await drain();
  }
  await new Promise((res) => setTimeout(res, SETTLE_MS));
  const cpu = cpuDelta(before, await cpuByPart(groups));
  for (const [k, v] of cpu) cpu.set(k, v / r.total);
  return { ...r, cpu };
}

/** Single events for a fixed duration. */
const timedRun = (stack: LocalStack, route: Route) =>
  measured(stack, route, 1, () =>
    timedLoad({ url: `${stack.ingestUrl}${route.path}`, connections: CONNECTIONS, body: single, headers }, SECONDS),
  );

/** Exactly `total` 100-event requests. */
const boundedRun = (stack: LocalStack, route: Route, total: number) =>
  measured(stack, route, 100, () =>
    boundedLoad({ url: `${stack.ingestUrl}${route.path}`, connections: CONNECTIONS, body: batch, headers }, total),
  );

const medianRun = (runs: RunResult[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

type Row = [route: Route, what: string, run: RunResult, eventsPerRequest: number];

/**
 * Bare, enqueue-only and ingest runs in turn, median of each: on a shared
 * 2-core machine one run of any of them can be off by 30%.
 */
async function measureConfiguration(label: string, withoutRateLimiter: boolean): Promise<Row[][]> {
  const { stack, stop } = await startStack(withoutRateLimiter);
  try {
    await timedRun(stack, INGEST); // warm-up: compile paths, open connections
    const kinds: [string, (route: Route) => Promise<RunResult>, number, number][] = [
      ["single event", (route) => timedRun(stack, route), SINGLE_ROUNDS, 1],
      ["100-event batch", (route) => boundedRun(stack, route, BATCH_REQUESTS), BATCH_ROUNDS, 100],
    ];
    const tables: Row[][] = [];
    for (const [what, run, rounds, per] of kinds) {
      const runs: RunResult[][] = ROUTES.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (const [i, route] of ROUTES.entries()) runs[i]!.push(await run(route));
        console.error(
          `[bench] ${label}, ${what} round ${round + 1}: ${ROUTES.map((route, i) => `${route.name} ${runs[i]!.at(-1)!.rps}`).join(", ")} req/s`,
        );
      }
      tables.push(ROUTES.map((route, i) => [route, what, medianRun(runs[i]!), per]));
    }
    return tables;
  } finally {
    await stop();
  }
}

const results: { label: string; tables: Row[][] }[] = [];
try {
  results.push({ label: "wrangler.toml as shipped", tables: await measureConfiguration("as shipped", false) });
  results.push({
    label: "without the [[ratelimits]] binding (local simulator's cost)",
    tables: await measureConfiguration("no rate limiter", true),
  });
} finally {
  await db.end();
  await database.stop();
}

const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
console.log(
  `\nwrangler dev (state in ${STATE_ROOT}), ${CONNECTIONS} connections; single events: median of ${SINGLE_ROUNDS} rounds of ${SECONDS} s runs (autocannon); batches: median of ${BATCH_ROUNDS} rounds of ${BATCH_REQUESTS} requests`,
);
for (const { label, tables } of results) {
  console.log(`\n${label}\n| route | req/s | events/s | p50 ms | p99 ms | non-2xx | vs bare | vs enqueue only |`);
  console.log("|---|---|---|---|---|---|---|---|");
  for (const table of tables) {
    const runOf = (route: Route) => table.find(([r]) => r === route)![2];
    for (const [route, what, run, per] of table) {
      const events = route.enqueues ? String(run.rps * per) : "–";
      const vsBare = pct(run.rps, runOf(BARE).rps);
      const vsFloor = route.enqueues ? pct(run.rps, runOf(ENQUEUE_ONLY).rps) : "–";
      console.log(
        `| ${route.name}, ${what} | ${run.rps} | ${events} | ${run.p50} | ${run.p99} | ${run.non2xx} | ${route === INGEST ? `**${vsBare}**` : vsBare} | ${vsFloor} |`,
      );
    }
  }
}
const allRuns = results.flatMap((r) => r.tables.flat().map(([, , run]) => run));
const parts = [...new Set(allRuns.flatMap((run) => [...run.cpu.keys()]))].filter((p) =>
  allRuns.some((run) => (run.cpu.get(p) ?? 0) >= 0.05),
);
console.log(
  `\nCPU ms per request by process (until the consumer has written what was accepted; ${results[0]!.label})\n| route | ${parts.join(" | ")} | total |`,
);
console.log(`|---|${parts.map(() => "---|").join("")}---|`);
for (const [route, what, run] of results[0]!.tables.flat()) {
  const vals = parts.map((p) => run.cpu.get(p) ?? 0);
  console.log(`| ${route.name}, ${what} | ${vals.map((v) => v.toFixed(2)).join(" | ")} | ${vals.reduce((a, b) => a + b, 0).toFixed(2)} |`);
}
console.log(
  `\n${JSON.stringify(results.map(({ label, tables }) => ({ label, rows: tables.flat().map(([route, what, r]) => ({ name: `${route.name}, ${what}`, rps: r.rps, p50: r.p50, p99: r.p99, non2xx: r.non2xx, cpuMsPerRequest: Object.fromEntries([...r.cpu].map(([k, v]) => [k, Number(v.toFixed(3))])) })) })))}`,
);
