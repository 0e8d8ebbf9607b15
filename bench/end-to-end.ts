// bench/end-to-end: events per second from the first POST until the last
// event is a row — ingest → queue → consumer → PostgreSQL, both Workers in
// the local runtime with the real local queue — against a direct insert of
// the same events with the consumer's statement from Node, in the same run,
// on a real PostgreSQL (Debian package, started here, fsync on).
//
// Two ways for the consumer's HYPERDRIVE binding to reach the database:
//   pooled:   through PgBouncer in transaction mode (scripts/lib/pgbouncer.ts),
//             which is how Hyperdrive reaches it in production: a warm pool;
//   unpooled: the local binding straight to PostgreSQL, which opens a new
//             backend for every invocation (production never pays that).
// And the pipeline's ceiling on this machine: the enqueue-only route of the
// benchmark's build of the producer (bench/worker/: the binding calls an
// ingest request makes and nothing else) → queue → consumer → PgBouncer.
// The requests reach the producer through the local stack's ingest port (a
// Node process that reads each request and forwards it: what `npm run dev`
// serves) and, in the "runtime" paths, at the runtime's own socket, as
// production has no such hop.
// Rounds alternate them; each round also measures the direct insert.
// Every measurement also takes the CPU time of each process (load generator,
// workerd, PostgreSQL, PgBouncer) per event: on a machine whose cores they
// share, that says what bounds each path.
//
//   npm run bench:end-to-end [-- --requests 200 --rounds 3 --connections 10]
import { parseArgs } from "node:util";
import pg from "pg";
import { startPgBouncer } from "../scripts/lib/pgbouncer.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import { generateApiKey } from "../src/shared/auth/api-keys.ts";
import { sha256Hex } from "../src/shared/auth/sha256.ts";
import type { EventMessage } from "../src/shared/events/event-message.ts";
import { BENCH_PRODUCER, startBenchStack } from "./lib/bench-stack.ts";
import { directInsertRate } from "./lib/direct-insert.ts";
import { median } from "./lib/events.ts";
import { boundedLoad } from "./lib/load.ts";
import { busiestThread, cpuByPart, cpuDelta, type ProcessGroups, workerdMainThreads } from "./lib/process-cpu.ts";
import { eventsWritten, waitForEvents } from "./lib/wait-for-events.ts";

process.once("SIGINT", () => process.exit(130));

const { values: args } = parseArgs({
  options: {
    // 100-event requests per round: 20,000 events stay well below the ~10,000 messages at which the local queue fails (200 messages).
    requests: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    "pool-size": { type: "string", default: "10" },
  },
});
const REQUESTS = Number(args.requests);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const PER_REQUEST = 100;

const key = generateApiKey();
const SOURCE = "bench";
const PAYLOAD = { user: "u-1", plan: "pro", amount: 12.5, path: "/products/42", note: "x".repeat(300) };
let seq = 0;
const body = () =>
  JSON.stringify({ events: Array.from({ length: PER_REQUEST }, () => ({ id: `e-${seq++}`, type: "bench.batch", payload: PAYLOAD })) });

const server = await startRealPostgres({ shared_buffers: "256MB" });
const bouncer = await startPgBouncer(server.url, { poolSize: Number(args["pool-size"]) });
const db = new pg.Client({ connectionString: server.url });
const stops: (() => Promise<void>)[] = [];
try {
  await db.connect();
  /** Events/s from the first POST to `path` until every accepted event is a row. */
  async function pipelineRate(ingestUrl: string, path = "/v1/events"): Promise<number> {
    const before = await eventsWritten(db);
    const t0 = performance.now();
    const r = await boundedLoad(
      {
        url: `${ingestUrl}${path}`,
        connections: CONNECTIONS,
        body,
        headers: () => ({ "content-type": "application/json", authorization: `Bearer ${key}` }),
      },
      REQUESTS,
    );
    if (r.non2xx > 0) throw new Error(`${r.non2xx} of ${r.total} requests were refused`);
    await waitForEvents(db, before + r.ok * PER_REQUEST);
    return Math.round((r.ok * PER_REQUEST) / ((performance.now() - t0) / 1000));
  }

  /** The same number of the same events, written by the consumer's statement from Node on CONNECTIONS open connections. */
  const directRate = () => {
    const at = new Date().toISOString();
    const batch = (): EventMessage[] =>
      Array.from({ length: PER_REQUEST }, () => ({
        v: 1 as const,
        source: SOURCE,
        id: `d-${seq++}`,
        type: "bench.batch",
        occurredAt: at,
        receivedAt: at,
        payload: PAYLOAD,
      }));
    return directInsertRate(server.url, CONNECTIONS, Math.ceil(REQUESTS / CONNECTIONS), batch);
  };

  const apiKeys = `${SOURCE}:${await sha256Hex(key)}`;
  // The benchmark's build of the producer: the production entry plus the baseline routes.
  const edits: [RegExp, string][] = [BENCH_PRODUCER];
  const pooled = await startBenchStack({ database: { directUrl: server.url }, hyperdriveUrl: bouncer.url, apiKeys, edits });
  stops.push(pooled.stop);
  const unpooled = await startBenchStack({ database: { directUrl: server.url }, apiKeys, edits });
  stops.push(unpooled.stop);
  const groups = (stack?: typeof pooled.stack): ProcessGroups => ({
    workersPgid: stack?.workers.child.pid ?? -1,
    databasePgid: server.pgid,
    poolerPgid: bouncer.pgid,
  });
  const pool = `PgBouncer (transaction mode, pool of ${args["pool-size"]})`;
  const port = "the ingest port (the local stack's Node forwarding)";
  const runtime = "the runtime's own socket (no Node hop)";
  /** Each path: what it measures, how one round runs, and the processes it uses. */
  const paths = {
    pooled: [
      `ingest via ${port} → queue → consumer → ${pool} → Postgres`,
      () => pipelineRate(pooled.stack.ingestUrl),
      groups(pooled.stack),
    ],
    "pooled, runtime": [
      `ingest via ${runtime} → queue → consumer → ${pool} → Postgres`,
      () => pipelineRate(pooled.stack.workers.producerRuntimeUrl),
      groups(pooled.stack),
    ],
    ceiling: [
      `ceiling: enqueue only (no ingest code) via ${port} → queue → consumer → PgBouncer → Postgres`,
      () => pipelineRate(pooled.stack.ingestUrl, "/__bench/enqueued"),
      groups(pooled.stack),
    ],
    "ceiling, runtime": [
      `ceiling: enqueue only via ${runtime} → queue → consumer → PgBouncer → Postgres`,
      () => pipelineRate(pooled.stack.workers.producerRuntimeUrl, "/__bench/enqueued"),
      groups(pooled.stack),
    ],
    unpooled: [
      `ingest via ${port} → queue → consumer → Postgres (local binding: a new backend per invocation)`,
      () => pipelineRate(unpooled.stack.ingestUrl),
      groups(unpooled.stack),
    ],
    direct: [`direct insert: the consumer's statement from Node, ${CONNECTIONS} open connections`, directRate, groups()],
  } as const;
  type Path = keyof typeof paths;
  const names = Object.keys(paths) as Path[];
  const rates = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Path, number[]>;
  /** Per path and round: CPU µs per event by part, and the cores they kept busy (CPU time ÷ wall time). */
  type CpuRound = { perEvent: Map<string, number>; totalPerEvent: number; cores: number; jsThread: number };
  const cpu = Object.fromEntries(names.map((n) => [n, [] as CpuRound[]])) as Record<Path, CpuRound[]>;
  const events = REQUESTS * PER_REQUEST;
  const measure = async (name: Path) => {
    const [, run, g] = paths[name];
    const [c0, j0] = [await cpuByPart(g), await workerdMainThreads(g)];
    const t0 = performance.now();
    const rate = await run();
    const wallMs = performance.now() - t0;
    const used = cpuDelta(c0, await cpuByPart(g));
    const jsThread = busiestThread(j0, await workerdMainThreads(g), wallMs);
    const total = [...used.values()].reduce((a, b) => a + b, 0);
    const perEvent = new Map([...used].map(([k, ms]) => [k, (ms * 1000) / events]));
    cpu[name].push({ perEvent, totalPerEvent: (total * 1000) / events, cores: total / wallMs, jsThread });
    return rate;
  };
  // A first round of each warms the stacks (and the consumer's plans); it is not counted.
  for (const name of names) if (name !== "direct") await paths[name][1]();
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) rates[name].push(await measure(name));
    const now = Object.entries(rates).map(([k, v]) => `${k} ${v.at(-1)}`);
    console.error(`[bench] round ${round + 1}: ${now.join(", ")} events/s`);
  }
  const direct = median(rates.direct);
  console.log(
    `End to end, ${REQUESTS} requests of ${PER_REQUEST} events per round, ${CONNECTIONS} connections, median of ${ROUNDS}; PostgreSQL 15, fsync on`,
  );
  console.log("| path | events/s | vs direct insert | rounds |");
  console.log("| --- | --- | --- | --- |");
  for (const name of names) {
    const xs = rates[name];
    console.log(`| ${paths[name][0]} | ${median(xs)} | **${(median(xs) / direct).toFixed(2)}** | ${xs.join(", ")} |`);
  }
  const parts = [...new Set(Object.values(cpu).flatMap((rounds) => rounds.flatMap((r) => [...r.perEvent.keys()])))].sort();
  const cell = (xs: number[]) => median(xs).toFixed(1);
  console.log(
    `\nCPU time per event (µs, user + system, median of ${ROUNDS}), by process; the cores kept busy (CPU ÷ wall time), and how busy the busiest workerd thread was`,
  );
  console.log(`| path | ${parts.join(" | ")} | total | cores busy | busiest workerd thread |`);
  console.log(`| --- | ${parts.map(() => "---").join(" | ")} | --- | --- | --- |`);
  for (const [name, rounds] of Object.entries(cpu)) {
    const byPart = parts.map((p) => cell(rounds.map((r) => r.perEvent.get(p) ?? 0)));
    console.log(
      `| ${name} | ${byPart.join(" | ")} | ${cell(rounds.map((r) => r.totalPerEvent))} | ${median(rounds.map((r) => r.cores)).toFixed(2)} | ${name === "direct" ? "–" : median(rounds.map((r) => r.jsThread)).toFixed(2)} |`,
    );
  }
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await db.end().catch(() => {});
  await bouncer.stop();
  await server.stop();
}
