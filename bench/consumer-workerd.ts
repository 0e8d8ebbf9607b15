// bench/consumer-workerd: the consumer's statement sent from inside workerd
// through the HYPERDRIVE binding to PostgreSQL (Debian package, fsync on), by
// both designs (bench/worker/consumer-bench-entry.ts), against the baseline
// of a direct multi-row INSERT sent from Node on an open connection; all in
// one run, designs interleaved, median of --repeats.
//
// - per statement, one open connection: `count` statements in one request (the goal's figure)
// - per invocation: one request per statement, each connecting (locally every connect is a
//   new backend; in production Hyperdrive keeps them warm)
// - per invocation through a pooler: the same, connecting to PgBouncer in transaction mode
//   (scripts/lib/pgbouncer.ts), whose server connections stay warm as Hyperdrive's do
// - Worker CPU per statement: the workerd process's CPU time over the run
// - Worker CPU per queue invocation: the consumer's queue handler given a batch packed in Node
//   (100 events, and 10,000 in ~100 messages), against a handler that only decodes it
// - connections: 50 invocations at once, the most backends seen
// - the consumer bundle, gzip, as wrangler reports the upload
//
//   npm run bench:consumer [-- --repeats 3]
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { startPgBouncer } from "../scripts/lib/pgbouncer.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import { OFFLINE_ENV } from "../scripts/local-stack/offline-env.ts";
import { STATE_ROOT, startBenchStack } from "./lib/bench-stack.ts";
import { makeEvents, median, packedTexts } from "./lib/events.ts";
import { plainMultiRowInsert } from "./lib/plain-insert.ts";
import { cpuByPart, cpuDelta } from "./lib/process-cpu.ts";

Object.assign(process.env, OFFLINE_ENV);
const { values: args } = parseArgs({
  options: {
    repeats: { type: "string", default: "3" },
    "queue-calls": { type: "string", default: "60" },
    // A fraction of the statements per sample below (bench:smoke runs a tenth).
    scale: { type: "string", default: "1" },
  },
});
const REPEATS = Number(args.repeats);
/** Statements per sample: enough to amortize the request, few enough to keep a sample short. */
const COUNT: Record<number, number> = Object.fromEntries(
  Object.entries({ 100: 150, 1000: 15 }).map(([batch, n]) => [batch, Math.max(1, Math.round(n * Number(args.scale)))]),
);
const DESIGNS = ["pg", "prisma"] as const;

const server = await startRealPostgres({ max_connections: "200" });
const url = `${server.url}?sslmode=disable`;
await applyMigrations(url);
const direct = new pg.Client({ connectionString: url });
await direct.connect();
const pooler = await startPgBouncer(server.url, { poolSize: 20 });
const bench = await startBenchStack({
  database: { directUrl: url },
  // 50 invocations connecting at once (the connections count below) each fork a backend through the local
  // binding; on 2 busy cores that can outlast the shipped 2 s connect timeout, which is not what is measured.
  vars: { consumer: { BENCH_POOLER_URL: `${pooler.url}?sslmode=disable`, DATABASE_CONNECT_TIMEOUT_SECONDS: "15" } },
  apiKeys: "bench:0000000000000000000000000000000000000000000000000000000000000000",
  edits: [[/^main = ".*\/src\/consumer\/index\.ts"$/m, `main = ${JSON.stringify(resolve("bench/worker/consumer-bench-entry.ts"))}`]],
});
const { stack } = bench;
const groups = { workersPgid: stack.workers.child.pid! };
let seq = 0;

async function call(design: string, n: number, count: number, via = "binding") {
  const res = await fetch(`${stack.opsUrl}/__bench/statements?design=${design}&n=${n}&count=${count}&run=r${seq++}&via=${via}`, {
    method: "POST",
  });
  if (res.status !== 204) throw new Error(`bench route answered ${res.status}: ${await res.text()}`);
}

/** Milliseconds per statement and workerd CPU ms per statement. */
async function sample(what: () => Promise<unknown>, statements: number) {
  await direct.query("TRUNCATE events, event_ids, rollup_deltas, stage_counters");
  await direct.query("CHECKPOINT");
  const cpu0 = await cpuByPart(groups);
  const t0 = performance.now();
  await what();
  const ms = (performance.now() - t0) / statements;
  const cpu = cpuDelta(cpu0, await cpuByPart(groups)).get("workerd (both Workers, queue, rate limiter)") ?? 0;
  return { ms, cpuMs: cpu / statements };
}

type Key = `${string}/${number}/${string}`;
const samples = new Map<Key, { ms: number[]; cpuMs: number[] }>();
const record = (k: Key, s: { ms: number; cpuMs: number }) => {
  const e = samples.get(k) ?? { ms: [], cpuMs: [] };
  e.ms.push(s.ms);
  e.cpuMs.push(s.cpuMs);
  samples.set(k, e);
};

for (const d of DESIGNS) await call(d, 100, 2); // warm: bundles compiled, wasm instantiated
for (let r = 0; r < REPEATS; r++) {
  for (const n of [100, 1000]) {
    const count = COUNT[n]!;
    record(
      `baseline/${n}/open`,
      await sample(async () => {
        for (let i = 0; i < count; i++) await plainMultiRowInsert(direct, makeEvents(n, `b${seq++}`));
      }, count),
    );
    for (const d of DESIGNS) {
      record(`${d}/${n}/open`, await sample(() => call(d, n, count), count));
      record(
        `${d}/${n}/invocation`,
        await sample(async () => {
          for (let i = 0; i < count; i++) await call(d, n, 1);
        }, count),
      );
      record(
        `${d}/${n}/pooled`,
        await sample(async () => {
          for (let i = 0; i < count; i++) await call(d, n, 1, "pooler");
        }, count),
      );
    }
    console.error(`[bench] repeat ${r + 1}/${REPEATS}, batch ${n} done`);
  }
}

/** A batch's message bodies as a JSON array of strings (Queue<string>: each body a packet's text). */
const packed = (n: number) => JSON.stringify(packedTexts(makeEvents(n, `q${seq++}`)));
/** Invocations per sample of the queue handler: enough 10 ms CPU ticks at 100 events; 10,000 take fifteen times fewer. */
const queueCalls = Number(args["queue-calls"]);
const QUEUE_CALLS: Record<number, number> = { 100: queueCalls, 10000: Math.max(1, Math.round(queueCalls / 15)) };
const queueCpu = new Map<string, number[]>();
for (let r = 0; r < REPEATS; r++) {
  for (const n of [100, 10_000]) {
    for (const mode of r % 2 ? ["consume", "connect", "decode", "noop"] : ["noop", "decode", "connect", "consume"]) {
      const bodies = Array.from({ length: QUEUE_CALLS[n]! }, () => packed(n));
      const s = await sample(async () => {
        for (const body of bodies) {
          const res = await fetch(`${stack.opsUrl}/__bench/queue?mode=${mode}`, { method: "POST", body });
          if (res.status !== 204) throw new Error(`queue route answered ${res.status}: ${await res.text()}`);
        }
      }, bodies.length);
      queueCpu.set(`${mode}/${n}`, [...(queueCpu.get(`${mode}/${n}`) ?? []), s.cpuMs]);
    }
  }
}

/** 50 invocations at once, as 50 isolates would run; the most client backends seen while they write. */
async function connectionsFor50(design: string) {
  let most = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const r = await direct.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      );
      most = Math.max(most, r.rows[0].n);
      await new Promise((res) => setTimeout(res, 5));
    }
  })();
  await Promise.all(Array.from({ length: 50 }, () => call(design, 100, 1)));
  sampling = false;
  await sampler;
  return most;
}
const connections = { pg: await connectionsFor50("pg"), prisma: await connectionsFor50("prisma") };

function consumerBundleGzipKiB(): number {
  const out = execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--env", "consumer", "--outdir", outDir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return Number(/Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/.exec(out)?.[1]);
}
const outDir = await mkdtemp(join(STATE_ROOT, "eventline-bundle-"));
const bundleGzip = consumerBundleGzipKiB();
await rm(outDir, { recursive: true, force: true });

await bench.stop();
await direct.end();
await pooler.stop();
await server.stop();

const m = (k: Key) => median(samples.get(k)!.ms);
const c = (k: Key) => median(samples.get(k)!.cpuMs);
console.log(`\nThe consumer's statement from workerd through the Hyperdrive binding, PostgreSQL 15 (fsync on); median of ${REPEATS}`);
console.log(
  "| design | batch | ms / statement, open connection | vs baseline | ms / invocation (connect + statement) | vs baseline | ms / invocation through PgBouncer | vs baseline | Worker CPU ms / statement (open) | Worker CPU ms / invocation |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const n of [100, 1000]) {
  const base = m(`baseline/${n}/open`);
  console.log(`| baseline: multi-row INSERT from Node | ${n} | ${base.toFixed(2)} | 1.00 | – | – | – | – | – | – |`);
  for (const d of DESIGNS) {
    const open = m(`${d}/${n}/open`);
    const inv = m(`${d}/${n}/invocation`);
    const pooled = m(`${d}/${n}/pooled`);
    console.log(
      `| ${d === "pg" ? "node-postgres (chosen)" : "Prisma + adapter-pg"} | ${n} | ${open.toFixed(2)} | **${(base / open).toFixed(2)}** | ${inv.toFixed(2)} | ${(base / inv).toFixed(2)} | ${pooled.toFixed(2)} | **${(base / pooled).toFixed(2)}** | ${c(`${d}/${n}/open`).toFixed(2)} | ${c(`${d}/${n}/invocation`).toFixed(2)} |`,
    );
  }
}
console.log(
  `\nThe consumer's queue handler, Worker CPU ms per invocation (workerd process, median of ${REPEATS}): the whole handler vs decoding only`,
);
console.log(
  "| events per invocation | messages | the request alone | decode only | connection only (open, SELECT 1, close) | whole handler | handler less the request | of which decoding | of which the connection | the rest (statement, acks, log) | handler less decode, per event |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const n of [100, 10_000]) {
  const cpuOf = (mode: string) => median(queueCpu.get(`${mode}/${n}`)!);
  const [noop, decode, connect, consume] = [cpuOf("noop"), cpuOf("decode"), cpuOf("connect"), cpuOf("consume")];
  const messages = JSON.parse(packed(n)).length;
  const cells = [noop, decode, connect, consume, consume - noop, decode - noop, connect - noop, consume - decode - (connect - noop)];
  console.log(
    `| ${n} | ${messages} | ${cells.map((x, i) => (i === 4 ? `**${x.toFixed(2)}**` : x.toFixed(2))).join(" | ")} | ${((consume - decode) / n).toFixed(4)} |`,
  );
}
console.log(
  `\n50 invocations at once: at most ${connections.pg} (node-postgres) / ${connections.prisma} (Prisma) client backends on PostgreSQL (the local binding does not pool)`,
);
console.log(`Consumer bundle: ${bundleGzip} KiB gzip`);
console.log(
  `\n${JSON.stringify({ samples: Object.fromEntries(samples), queueCpu: Object.fromEntries(queueCpu), connections, bundleGzip })}`,
);
