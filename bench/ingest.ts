import { parseArgs } from "node:util";
import pg from "pg";
import type { LocalStack } from "../scripts/local-stack/start-local-stack.ts";
import { generateApiKey } from "../src/shared/auth/api-keys.ts";
import { sha256Hex } from "../src/shared/auth/sha256.ts";
import { packEvents } from "../src/shared/queue/pack-events.ts";
import { BENCH_PRODUCER, STATE_ROOT, startBenchStack } from "./lib/bench-stack.ts";
import { startDatabaseProcess } from "./lib/database-process.ts";
import { directInsertRate } from "./lib/direct-insert.ts";
import { makeEvents, median } from "./lib/events.ts";
import { boundedLoad, type LoadResult, timedLoad } from "./lib/load.ts";
import { busiestThread, cpuByPart, cpuDelta, workerdMainThreads } from "./lib/process-cpu.ts";
import { waitForEvents } from "./lib/wait-for-events.ts";

// Ctrl-C exits through process.exit, so the exit hooks stop the Workers and the database process.
process.once("SIGINT", () => process.exit(130));

const { values: args } = parseArgs({
  // A held run keeps ~1,000 single events a second pending: 5 s stays well below the ~10,000 at which the local queue fails.
  options: {
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "10" },
    // At most this many rounds of each kind (bench:smoke runs one), and requests per batch round.
    rounds: { type: "string" },
    "batch-requests": { type: "string", default: "120" },
    // "shipped" measures wrangler.toml as shipped only, not also without the rate limiter (bench:smoke).
    configurations: { type: "string", default: "all" },
    "settle-ms": { type: "string", default: "1500" },
    // "runtime" loads the producer at the runtime's own socket instead of the ingest port (the local stack's
    // Node forwarding, which production has not): the ratios without that hop's fixed cost per request.
    via: { type: "string", default: "port" },
  },
});
const baseUrl = (stack: LocalStack) => (args.via === "runtime" ? stack.workers.producerRuntimeUrl : stack.ingestUrl);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const BATCH_REQUESTS = Number(args["batch-requests"]);
const rounds = (n: number) => Math.min(n, Number(args.rounds ?? n));
const BATCH_ROUNDS = rounds(7);
const SINGLE_ROUNDS = rounds(5);
const END_TO_END_ROUNDS = rounds(3);
// After a drain the consumer still acks and logs its last batch: runs start only after this pause.
const SETTLE_MS = Number(args["settle-ms"]);

// Many keys, so the per-key rate limit (6,000/min) measures its cost without capping the run.
const keys = Array.from({ length: 64 }, () => generateApiKey());
const apiKeys = (await Promise.all(keys.map(async (k, i) => `bench-${i % 4}:${await sha256Hex(k)}`))).join("\n");

let seq = 0;
const PAYLOAD = { user: "u-1", plan: "pro", amount: 12.5, path: "/products/42", note: "x".repeat(300) };
const single = () => JSON.stringify({ id: `s-${seq++}`, type: "bench.single", payload: PAYLOAD });
const batch = () =>
  JSON.stringify({ events: Array.from({ length: 100 }, () => ({ id: `b-${seq++}`, type: "bench.batch", payload: PAYLOAD })) });
const headers = (k: number) => ({ "content-type": "application/json", authorization: `Bearer ${keys[k % keys.length]}` });

interface RunResult extends LoadResult {
  /** CPU ms per request by part, from the start of the run until the consumer has written what it accepted. */
  cpu: Map<string, number>;
  /** Events per second from the first POST until the last accepted event is a row (enqueuing routes). */
  endToEnd: number | undefined;
  /** How busy the busiest workerd thread was while the load ran (its CPU ÷ the wall time; one thread runs every isolate of a workerd process): near 1, it is the bound. */
  jsThread: number;
}

// The database process (PGlite + pool) is shared by both configurations: its own process, so its work never stalls the load generator.
const database = await startDatabaseProcess();
const db = new pg.Client({ connectionString: database.directUrl });
await db.connect();
let acceptedEvents = 0;

const drain = () => waitForEvents(db, acceptedEvents);

function startStack(withoutRateLimiter: boolean) {
  // The benchmark's build of the producer: the production entry plus the baseline routes (bench/worker/).
  const edits: [RegExp, string][] = [BENCH_PRODUCER];
  // The producer's [[ratelimits]] table, up to the next table.
  if (withoutRateLimiter) edits.push([/^\[\[env\.producer\.ratelimits\]\][\s\S]*?(?=^\[)/m, ""]);
  return startBenchStack({ database, apiKeys, edits });
}

interface Route {
  name: string;
  path: string;
  /** Whether a 2xx put the body's events on the queue (then the run is drained). */
  enqueues: boolean;
}

const BARE: Route = { name: "bare 202", path: "/__bench/accepted", enqueues: false };
const ENQUEUE_ONLY: Route = { name: "enqueue only", path: "/__bench/enqueued", enqueues: true };
const INGEST: Route = { name: "ingest", path: "/v1/events", enqueues: true };
const ROUTES = [BARE, ENQUEUE_ONLY, INGEST];

/** One open transaction on the embedded Postgres (one session): every other query waits until it ends. */
async function holdDatabase(): Promise<() => Promise<void>> {
  const holder = new pg.Client({ connectionString: database.directUrl });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query("SELECT 1");
  return async () => {
    await holder.query("COMMIT");
    await holder.end();
  };
}

async function measured(
  stack: LocalStack,
  route: Route,
  per: number,
  send: () => Promise<LoadResult>,
  opts: { hold: boolean },
): Promise<RunResult> {
  const groups = { workersPgid: stack.workers.child.pid!, databasePgid: database.pgid };
  const before = await cpuByPart(groups);
  const release = opts.hold ? await holdDatabase() : undefined;
  const thread0 = await workerdMainThreads(groups);
  const t0 = performance.now();
  const r = await send();
  const loadMs = performance.now() - t0;
  const jsThread = busiestThread(thread0, await workerdMainThreads(groups), loadMs);
  await release?.();
  let endToEnd: number | undefined;
  if (route.enqueues) {
    acceptedEvents += r.ok * per;
    await drain();
    endToEnd = Math.round((r.ok * per) / ((performance.now() - t0) / 1000));
  }
  await new Promise((res) => setTimeout(res, SETTLE_MS));
  const cpu = cpuDelta(before, await cpuByPart(groups));
  for (const [k, v] of cpu) cpu.set(k, v / r.total);
  return { ...r, cpu, endToEnd, jsThread };
}

/** Single events for a fixed duration, the database held. */
const timedRun = (stack: LocalStack, route: Route) =>
  measured(
    stack,
    route,
    1,
    () => timedLoad({ url: `${baseUrl(stack)}${route.path}`, connections: CONNECTIONS, body: single, headers }, SECONDS),
    {
      hold: true,
    },
  );

/** Exactly `total` 100-event requests; the database held unless the run measures end to end. */
const boundedRun = (stack: LocalStack, route: Route, total: number, hold = true) =>
  measured(
    stack,
    route,
    100,
    () => boundedLoad({ url: `${baseUrl(stack)}${route.path}`, connections: CONNECTIONS, body: batch, headers }, total),
    {
      hold,
    },
  );

/** The database's own ceiling for the same work: the consumer's 100-event statements from Node, CONNECTIONS connections at a time. */
async function directRate(): Promise<number> {
  const per = Math.ceil((BATCH_REQUESTS * 100) / CONNECTIONS / 100);
  const rate = await directInsertRate(database.directUrl, CONNECTIONS, per, () => makeEvents(100, `direct-${seq++}`));
  acceptedEvents += CONNECTIONS * per * 100;
  return rate;
}

const medianRun = (runs: RunResult[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

type Row = [route: Route, what: string, run: RunResult, eventsPerRequest: number];

/** Bare, enqueue-only and ingest runs in turn, median of each: on a shared 2-core machine one run can be off by 30%. */
async function measureConfiguration(
  label: string,
  withoutRateLimiter: boolean,
): Promise<{ tables: Row[][]; direct: number[]; endToEnd: Map<Route, number[]> }> {
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
    // End to end, nothing held: POST → queue → consumer → row, next to the database's own rate for the same statements.
    const direct: number[] = [];
    const endToEnd = new Map<Route, number[]>([ENQUEUE_ONLY, INGEST].map((r) => [r, []]));
    for (let round = 0; round < END_TO_END_ROUNDS; round++) {
      for (const [route, rates] of endToEnd) rates.push((await boundedRun(stack, route, BATCH_REQUESTS, false)).endToEnd!);
      direct.push(await directRate());
      console.error(
        `[bench] ${label}, end to end round ${round + 1}: ${[...endToEnd].map(([r, v]) => `${r.name} ${v.at(-1)}`).join(", ")}, direct ${direct.at(-1)} events/s`,
      );
    }
    return { tables, direct, endToEnd };
  } finally {
    await stop();
  }
}

/** Queue messages and operations per event for a request like the benchmark's: what the route's packing sends, next to one message per event. */
function queueCost(eventsPerRequest: number) {
  const body = eventsPerRequest === 1 ? [JSON.parse(single())] : JSON.parse(batch()).events;
  const now = new Date().toISOString();
  const events = body.map((e: { id: string; type: string; payload: unknown }) => {
    const text = JSON.stringify({ id: e.id, type: e.type, occurredAt: now, payload: e.payload });
    return { text, bytes: Buffer.byteLength(text) };
  });
  const packets = packEvents("bench-0", now, events);
  // Queues: one operation per 64 KB written, read and deleted.
  const ops = (bytes: number) => 3 * Math.max(1, Math.ceil(bytes / 64_000));
  return {
    messages: packets.length / eventsPerRequest,
    ops: packets.reduce((a, p) => a + ops(p.bytes), 0) / eventsPerRequest,
    opsOneMessageEach: events.reduce((a: number, e: { bytes: number }) => a + ops(e.bytes + 120), 0) / eventsPerRequest,
  };
}

const results: { label: string; tables: Row[][]; direct: number[]; endToEnd: Map<Route, number[]> }[] = [];
try {
  results.push({ label: "wrangler.toml as shipped", ...(await measureConfiguration("as shipped", false)) });
  if (args.configurations !== "shipped") {
    results.push({
      label: "without the producer's [[ratelimits]] binding (the local simulator's cost)",
      ...(await measureConfiguration("no rate limiter", true)),
    });
  }
} finally {
  await db.end();
  await database.stop();
}

const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
console.log(
  `\nlocal stack (both Workers in one local runtime, state in ${STATE_ROOT}), requests ${args.via === "runtime" ? "at the runtime's own socket" : "through the ingest port"}, ${CONNECTIONS} connections; single events: median of ${SINGLE_ROUNDS} rounds of ${SECONDS} s (autocannon); batches: median of ${BATCH_ROUNDS} rounds of ${BATCH_REQUESTS} requests`,
);
for (const { label, tables } of results) {
  console.log(
    `\n${label}\n| route | req/s | events/s | p50 ms | p99 ms | non-2xx | vs bare | vs enqueue only | messages/event | Queue ops/event |`,
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const table of tables) {
    const runOf = (route: Route) => table.find(([r]) => r === route)![2];
    for (const [route, what, run, per] of table) {
      const events = route.enqueues ? String(run.rps * per) : "–";
      const vsBare = pct(run.rps, runOf(BARE).rps);
      const vsFloor = route.enqueues ? pct(run.rps, runOf(ENQUEUE_ONLY).rps) : "–";
      const cost = queueCost(per);
      const q = route.enqueues
        ? `| ${cost.messages.toFixed(2)} | ${cost.ops.toFixed(2)} (one message each: ${cost.opsOneMessageEach.toFixed(0)}) |`
        : "| – | – |";
      console.log(
        `| ${route.name}, ${what} | ${run.rps} | ${events} | ${run.p50} | ${run.p99} | ${run.non2xx} | ${route === INGEST ? `**${vsBare}**` : vsBare} | ${route === INGEST ? `**${vsFloor}**` : vsFloor} ${q}`,
      );
    }
  }
}
const shipped = results[0]!;
const direct = median(shipped.direct);
console.log(
  `\nEnd to end, 100-event requests (as shipped, nothing held, median of ${END_TO_END_ROUNDS}): events/s from the first POST until the last event is a row\n| path | events/s | vs direct insert |`,
);
console.log("|---|---|---|");
for (const [route, rates] of shipped.endToEnd)
  console.log(`| ${route.name} → queue → consumer → Postgres | ${median(rates)} | ${pct(median(rates), direct)} |`);
console.log(`| direct insert (insertEvents from Node, ${CONNECTIONS} writers, 100-event statements) | ${direct} | 100% |`);

const allRuns = results.flatMap((r) => r.tables.flat().map(([, , run]) => run));
const parts = [...new Set(allRuns.flatMap((run) => [...run.cpu.keys()]))].filter((p) =>
  allRuns.some((run) => (run.cpu.get(p) ?? 0) >= 0.05),
);
console.log(
  `\nCPU ms per request by process (until the consumer has written what was accepted; ${shipped.label}), and how busy the busiest workerd thread was during the load\n| route | ${parts.join(" | ")} | total | busiest workerd thread |`,
);
console.log(`|---|${parts.map(() => "---|").join("")}---|---|`);
for (const [route, what, run] of shipped.tables.flat()) {
  const vals = parts.map((p) => run.cpu.get(p) ?? 0);
  console.log(
    `| ${route.name}, ${what} | ${vals.map((v) => v.toFixed(2)).join(" | ")} | ${vals.reduce((a, b) => a + b, 0).toFixed(2)} | ${run.jsThread.toFixed(2)} |`,
  );
}
console.log(
  `\n${JSON.stringify(results.map(({ label, tables, direct: d, endToEnd: e }) => ({ label, directInsert: d, endToEnd: Object.fromEntries([...e].map(([r, v]) => [r.name, v])), rows: tables.flat().map(([route, what, r]) => ({ name: `${route.name}, ${what}`, rps: r.rps, p50: r.p50, p99: r.p99, non2xx: r.non2xx, endToEnd: r.endToEnd, jsThreadBusy: Number(r.jsThread.toFixed(2)), cpuMsPerRequest: Object.fromEntries([...r.cpu].map(([k, v]) => [k, Number(v.toFixed(3))])) })) })))}`,
);
