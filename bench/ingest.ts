// bench/ingest: requests/s and latency of POST /v1/events under wrangler dev,
// for single events and 100-event batches, side by side with a bare route in
// the same Worker that only answers 202 (the baseline), in the same run.
//
//   npm run bench:ingest [-- --seconds 8 --connections 10]
//
// The local queue simulator fails with ~10,000 messages pending, so the runs
// are short and the script waits for the consumer to drain between them.
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { generateApiKey } from "../src/auth/api-keys.ts";
import { sha256Hex } from "../src/auth/sha256.ts";
import { startLocalStack } from "../scripts/local-stack/start-local-stack.ts";
import { freePort } from "../test/support/free-port.ts";

// Ctrl-C exits through process.exit, so the local stack's exit hooks stop wrangler.
process.once("SIGINT", () => process.exit(130));

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "8" }, connections: { type: "string", default: "10" } } });
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);

// Many keys, so the per-key rate limit (6,000/min) measures its cost without capping the run.
const keys = Array.from({ length: 64 }, () => generateApiKey());
const apiKeys = (await Promise.all(keys.map(async (k, i) => `bench-${i % 4}:${await sha256Hex(k)}`))).join("\n");

const stateDir = await mkdtemp(join(tmpdir(), "eventline-bench-"));
const log = await open(join(stateDir, "wrangler.log"), "w");
const stack = await startLocalStack({
  stateDir,
  ephemeral: true,
  ports: { worker: await freePort() },
  wranglerStdio: log.fd,
  poolLogLevel: "off",
  extraVars: { EVENTLINE_BENCH: "1", API_KEYS: apiKeys },
});
const db = new pg.Client({ connectionString: stack.directUrl });
await db.connect();

let seq = 0;
const single = () => JSON.stringify({ id: `s-${seq++}`, type: "bench.single", payload: { user: "u-1", plan: "pro", amount: 12.5 } });
const batch = () => JSON.stringify({ events: Array.from({ length: 100 }, () => ({ id: `b-${seq++}`, type: "bench.batch", payload: { user: "u-1", plan: "pro", amount: 12.5 } })) });

async function run(path: string, body: () => string, limitRequests?: number) {
  let k = 0;
  const t0 = performance.now();
  const result = await autocannon({
    url: `${stack.ingestUrl}${path}`,
    method: "POST",
    connections: CONNECTIONS,
    ...(limitRequests ? { amount: limitRequests } : { duration: SECONDS }),
    // A fresh body (new ids) and the next key for every request.
    requests: [{ setupRequest: (req) => ({ ...req, body: body(), headers: { ...req.headers, "content-type": "application/json", authorization: `Bearer ${keys[k++ % keys.length]}` } }) }],
  });
  const ok = result["2xx"];
  if (path === "/v1/events") acceptedEvents += ok * (body === batch ? 100 : 1);
  // Whole-run rate: autocannon's per-second average is meaningless for runs shorter than a few seconds.
  const seconds = (performance.now() - t0) / 1000;
  return { rps: Math.round(result.requests.total / seconds), p50: result.latency.p50, p99: result.latency.p99, ok, non2xx: result.non2xx, errors: result.errors };
}

/**
 * A closed loop of CONNECTIONS workers sending exactly `total` requests:
 * autocannon's `amount` mode rounds short runs up to whole seconds, which
 * would hide the rate of a run that must stay small (the queue limit).
 */
async function runBounded(path: string, body: () => string, total: number) {
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  const latencies: number[] = [];
  let k = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (sent < total) {
        sent++;
        const t = performance.now();
        const res = await fetch(`${stack.ingestUrl}${path}`, {
          method: "POST",
          body: body(),
          headers: { "content-type": "application/json", authorization: `Bearer ${keys[k++ % keys.length]}` },
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status >= 200 && res.status < 300) ok++;
        else non2xx++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  if (path === "/v1/events") acceptedEvents += ok * 100;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!);
  return { rps: Math.round(total / seconds), p50: pct(50), p99: pct(99), ok, non2xx, errors: 0 };
}

let acceptedEvents = 0;
async function drain() {
  const expected = acceptedEvents;
  const deadline = Date.now() + 120_000;
  let n = 0;
  while (Date.now() < deadline) {
    n = Number((await db.query("SELECT count(*)::int AS n FROM events")).rows[0].n);
    if (n >= expected) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return n;
}

const rows: Record<string, Awaited<ReturnType<typeof run>>> = {};
// 100-event batches: 80 requests = 8,000 messages per run, below the ~10,000 pending at which the local queue fails; drained between runs.
const BATCH_REQUESTS = 80;
const BATCH_ROUNDS = 5;
const SINGLE_ROUNDS = 3;
const medianRun = <T extends { rps: number }>(runs: T[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
try {
  // Warm-up: compile paths, open connections.
  await run("/v1/events", single, 200);
  await drain();
  // Alternate bare and ingest runs and keep the median of each: on a shared 2-core machine one run of either can be off by 30%.
  const bareRuns: Awaited<ReturnType<typeof run>>[] = [];
  const ingestRuns: Awaited<ReturnType<typeof run>>[] = [];
  for (let round = 0; round < SINGLE_ROUNDS; round++) {
    bareRuns.push(await run("/__bench/accepted", single));
    ingestRuns.push(await run("/v1/events", single));
    console.error(`[bench] single round ${round + 1}: bare ${bareRuns.at(-1)!.rps} req/s, ingest ${ingestRuns.at(-1)!.rps} req/s`);
  }
  rows["bare (single-event body)"] = medianRun(bareRuns);
  rows["ingest: single event"] = medianRun(ingestRuns);
  console.error(`[bench] draining… ${await drain()} rows written of ${acceptedEvents} accepted`);
  // 100-event batches: bounded so the local queue never holds ~10,000 pending messages.
  const bareBatches: Awaited<ReturnType<typeof run>>[] = [];
  const ingestBatches: Awaited<ReturnType<typeof run>>[] = [];
  for (let round = 0; round < BATCH_ROUNDS; round++) {
    bareBatches.push(await runBounded("/__bench/accepted", batch, BATCH_REQUESTS));
    ingestBatches.push(await runBounded("/v1/events", batch, BATCH_REQUESTS));
    console.error(`[bench] batch round ${round + 1}: bare ${bareBatches.at(-1)!.rps} req/s, ingest ${ingestBatches.at(-1)!.rps} req/s; draining… ${await drain()} rows of ${acceptedEvents}`);
  }
  rows["bare (100-event body)"] = medianRun(bareBatches);
  rows["ingest: 100-event batch"] = medianRun(ingestBatches);
} finally {
  await db.end();
  await stack.stop();
  await rm(stateDir, { recursive: true, force: true });
}

console.log(`\nwrangler dev, ${CONNECTIONS} connections; single events: median of ${SINGLE_ROUNDS} alternating ${SECONDS} s runs (autocannon); batches: median of ${BATCH_ROUNDS} alternating runs of ${BATCH_REQUESTS} requests`);
console.log("| route | req/s | events/s | p50 ms | p99 ms | non-2xx | vs bare |");
console.log("|---|---|---|---|---|---|---|");
const pairs: [string, string, number][] = [
  ["bare (single-event body)", "ingest: single event", 1],
  ["bare (100-event body)", "ingest: 100-event batch", 100],
];
for (const [bare, ingest, per] of pairs) {
  for (const name of [bare, ingest]) {
    const r = rows[name]!;
    const ratio = name === ingest ? `${((r.rps / rows[bare]!.rps) * 100).toFixed(0)}%` : "100%";
    console.log(`| ${name} | ${r.rps} | ${name === bare ? "–" : r.rps * per} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${ratio} |`);
  }
}
console.log("\n" + JSON.stringify(rows));
