// bench/ingest: requests/s and latency of POST /v1/events under wrangler dev,
// for single events and 100-event batches, side by side with a bare route in
// the same Worker that only answers 202 (the baseline), in the same run, plus
// the CPU each part of the local pipeline spends per request.
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
// are bounded, and every ingest run is drained before the next run starts.
//
// wrangler's state (--persist-to) goes to /dev/shm when there is one: the
// local queue broker and rate limiter are Durable Objects that write SQLite
// on every send() and limit(); on a disk each of those writes waits for it,
// which measures the disk, not the Worker (neither binding writes the
// Worker's disk in production). The state is thrown away after the run.
import { existsSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateApiKey } from "../src/auth/api-keys.ts";
import { sha256Hex } from "../src/auth/sha256.ts";
import { writeEditedWranglerConfig } from "../scripts/local-stack/edited-wrangler-config.ts";
import { type LocalStack, startLocalStack } from "../scripts/local-stack/start-local-stack.ts";
import { freePort } from "../test/support/free-port.ts";
import { startDatabaseProcess } from "./lib/database-process.ts";
import { boundedLoad, type LoadResult, timedLoad } from "./lib/load.ts";
import { cpuByPart, cpuDelta } from "./lib/process-cpu.ts";

// Ctrl-C exits through process.exit, so the exit hooks stop wrangler and the database process.
process.once("SIGINT", () => process.exit(130));

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "8" }, connections: { type: "string", default: "10" } } });
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
// 100-event batches: 80 requests = 8,000 messages per run, below the ~10,000 pending at which the local queue fails.
const BATCH_REQUESTS = 80;
const BATCH_ROUNDS = 7;
const SINGLE_ROUNDS = 5;
// After a drain the consumer still acks and logs its last batch: runs start only after this pause.
const SETTLE_MS = 1_500;

// Many keys, so the per-key rate limit (6,000/min) measures its cost without capping the run.
const keys = Array.from({ length: 64 }, () => generateApiKey());
const apiKeys = (await Promise.all(keys.map(async (k, i) => `bench-${i % 4}:${await sha256Hex(k)}`))).join("\n");

let seq = 0;
const single = () => JSON.stringify({ id: `s-${seq++}`, type: "bench.single", payload: { user: "u-1", plan: "pro", amount: 12.5 } });
const batch = () => JSON.stringify({ events: Array.from({ length: 100 }, () => ({ id: `b-${seq++}`, type: "bench.batch", payload: { user: "u-1", plan: "pro", amount: 12.5 } })) });
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
  const log = await open(join(stateDir, "wrangler.log"), "w");
  // The [[ratelimits]] table, up to the next table or the end of the file.
  const wranglerConfig = withoutRateLimiter ? await writeEditedWranglerConfig(stateDir, [[/^\[\[ratelimits\]\][\s\S]*?(?=^\[|\s*$(?![\s\S]))/m, ""]]) : undefined;
  const stack = await startLocalStack({
    stateDir,
    directUrl: database.directUrl,
    databaseUrl: database.poolUrl,
    ports: { worker: await freePort() },
    wranglerStdio: log.fd,
    wranglerConfig,
    extraVars: { EVENTLINE_BENCH: "1", API_KEYS: apiKeys },
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

async function measured(stack: LocalStack, path: string, per: number, send: () => Promise<LoadResult>): Promise<RunResult> {
  const groups = { wranglerPgid: stack.worker.child.pid!, databasePgid: database.pgid };
  const before = await cpuByPart(groups);
  const r = await send();
  if (path === "/v1/events") {
    acceptedEvents += r.ok * per;
    await drain();
  }
  await new Promise((res) => setTimeout(res, SETTLE_MS));
  const cpu = cpuDelta(before, await cpuByPart(groups));
  for (const [k, v] of cpu) cpu.set(k, v / r.total);
  return { ...r, cpu };
}

/** Single events for a fixed duration. */
const timedRun = (stack: LocalStack, path: string) =>
  measured(stack, path, 1, () => timedLoad({ url: `${stack.ingestUrl}${path}`, connections: CONNECTIONS, body: single, headers }, SECONDS));

/** Exactly `total` 100-event requests. */
const boundedRun = (stack: LocalStack, path: string, total: number) =>
  measured(stack, path, 100, () => boundedLoad({ url: `${stack.ingestUrl}${path}`, connections: CONNECTIONS, body: batch, headers }, total));

const medianRun = (runs: RunResult[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

/** Alternating bare and ingest runs, median of each: on a shared 2-core machine one run of either can be off by 30%. */
async function measureConfiguration(label: string, withoutRateLimiter: boolean) {
  const { stack, stop } = await startStack(withoutRateLimiter);
  try {
    await timedRun(stack, "/v1/events"); // warm-up: compile paths, open connections
    const rows: [string, RunResult, number][] = [];
    const pairs: [string, () => Promise<RunResult>, () => Promise<RunResult>, number, number][] = [
      ["single event", () => timedRun(stack, "/__bench/accepted"), () => timedRun(stack, "/v1/events"), SINGLE_ROUNDS, 1],
      ["100-event batch", () => boundedRun(stack, "/__bench/accepted", BATCH_REQUESTS), () => boundedRun(stack, "/v1/events", BATCH_REQUESTS), BATCH_ROUNDS, 100],
    ];
    for (const [what, bare, ingest, rounds, per] of pairs) {
      const bares: RunResult[] = [];
      const ingests: RunResult[] = [];
      for (let round = 0; round < rounds; round++) {
        bares.push(await bare());
        ingests.push(await ingest());
        console.error(`[bench] ${label}, ${what} round ${round + 1}: bare ${bares.at(-1)!.rps} req/s, ingest ${ingests.at(-1)!.rps} req/s`);
      }
      rows.push([`bare, ${what} body`, medianRun(bares), 0], [`ingest, ${what}`, medianRun(ingests), per]);
    }
    return rows;
  } finally {
    await stop();
  }
}

const results: { label: string; rows: [string, RunResult, number][] }[] = [];
try {
  results.push({ label: "wrangler.toml as shipped", rows: await measureConfiguration("as shipped", false) });
  results.push({ label: "without the [[ratelimits]] binding (local simulator's cost)", rows: await measureConfiguration("no rate limiter", true) });
} finally {
  await db.end();
  await database.stop();
}

console.log(`\nwrangler dev (state in ${STATE_ROOT}), ${CONNECTIONS} connections; single events: median of ${SINGLE_ROUNDS} alternating ${SECONDS} s runs (autocannon); batches: median of ${BATCH_ROUNDS} alternating runs of ${BATCH_REQUESTS} requests`);
for (const { label, rows } of results) {
  console.log(`\n${label}\n| route | req/s | events/s | p50 ms | p99 ms | non-2xx | vs bare |`);
  console.log("|---|---|---|---|---|---|---|");
  for (let i = 0; i < rows.length; i += 2) {
    const [bareName, bare] = rows[i]!;
    const [ingestName, ingest, per] = rows[i + 1]!;
    console.log(`| ${bareName} | ${bare.rps} | – | ${bare.p50} | ${bare.p99} | ${bare.non2xx} | 100% |`);
    console.log(`| ${ingestName} | ${ingest.rps} | ${ingest.rps * per} | ${ingest.p50} | ${ingest.p99} | ${ingest.non2xx} | **${((ingest.rps / bare.rps) * 100).toFixed(0)}%** |`);
  }
}
const parts = [...new Set(results.flatMap((r) => r.rows.flatMap(([, run]) => [...run.cpu.keys()])))].filter((p) => results.some((r) => r.rows.some(([, run]) => (run.cpu.get(p) ?? 0) >= 0.05)));
console.log(`\nCPU ms per request by process (until the consumer has written what was accepted; ${results[0]!.label})\n| route | ${parts.join(" | ")} | total |`);
console.log(`|---|${parts.map(() => "---|").join("")}---|`);
for (const [name, run] of results[0]!.rows) {
  const vals = parts.map((p) => run.cpu.get(p) ?? 0);
  console.log(`| ${name} | ${vals.map((v) => v.toFixed(2)).join(" | ")} | ${vals.reduce((a, b) => a + b, 0).toFixed(2)} |`);
}
console.log("\n" + JSON.stringify(results.map(({ label, rows }) => ({ label, rows: rows.map(([name, r]) => ({ name, rps: r.rps, p50: r.p50, p99: r.p99, non2xx: r.non2xx, cpuMsPerRequest: Object.fromEntries([...r.cpu].map(([k, v]) => [k, Number(v.toFixed(3))])) })) }))));
