// bench/rollup: the rollup against the bare GROUP BY it replaces, same data,
// same run, on a real PostgreSQL (Debian package, started here).
//   1. N events (default 1,000,000: 90 days × 5 sources × 20 types) generated straight into Postgres
//   2. bare:        SELECT day, source, type, count, min, max FROM events GROUP BY … (direct connection)
//   3. full run:    every key dirty (as after the consumer wrote everything), one scheduled run through the Accelerate client + local pool
//      backfill:    the whole range recomputed week by week (runBackfill), nothing dirty
//   4. incremental: 10,000 late events written by the consumer's insertEvents (which marks their keys), then a scheduled run
//
//   npm run bench:rollup [-- --events 1000000]
import { parseArgs } from "node:util";
import pg from "pg";
import { withAccelerate } from "@prisma/extension-accelerate";
import { PrismaClient } from "../src/generated/prisma-node/client.ts";
import type { Db } from "../src/db/client.ts";
import { insertEvents } from "../src/db/insert-events.ts";
import { runBackfill } from "../src/cron/run-backfill.ts";
import { runRollup } from "../src/cron/run-rollup.ts";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { startAccelerateEndpoint } from "../scripts/local-stack/accelerate-endpoint.ts";
import { median } from "./lib/events.ts";
import { startRealPostgres } from "./lib/real-postgres.ts";

const { values: args } = parseArgs({ options: { events: { type: "string", default: "1000000" }, repeats: { type: "string", default: "3" } } });
const N = Number(args.events);
const REPEATS = Number(args.repeats);
const DAYS = 90;
const START = Date.parse("2026-08-01T00:00:00Z");

const server = await startRealPostgres({ shared_buffers: "256MB", work_mem: "64MB" });
const direct = new pg.Client({ connectionString: server.url });
try {
  await applyMigrations(server.url);
  await direct.connect();
  const pool = await startAccelerateEndpoint({ databaseUrl: server.url, logLevel: "off" });
  // The Node build of the same client: structurally the Worker's Db.
  const db = new PrismaClient({ accelerateUrl: pool.url }).$extends(withAccelerate()) as unknown as Db;

  let t = performance.now();
  await direct.query(
    `INSERT INTO events (source, id, type, occurred_at, received_at, payload)
     SELECT 'src-' || (i % 5), 'e-' || i, 'type-' || (i % 20), ts, ts, '{"plan":"pro","amount":12.5}'::jsonb
     FROM generate_series(1, $1::int) AS i, LATERAL (SELECT to_timestamp($2::float8 + (i::float8 / $1) * $3 * 86400) AS ts) t`,
    [N, START / 1000, DAYS],
  );
  // A table filled over 90 days would have been vacuumed by autovacuum; an index-only scan needs the visibility map.
  await direct.query("VACUUM ANALYZE events");
  console.error(`[bench] generated ${N} events in ${Math.round(performance.now() - t)} ms`);

  const bareMs: number[] = [];
  const fullMs: number[] = [];
  const backfillMs: number[] = [];
  let fullReport;
  for (let r = 0; r < REPEATS; r++) {
    t = performance.now();
    const bare = await direct.query(
      `SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, source, type, count(*)::int, min(occurred_at), max(occurred_at) FROM events GROUP BY 1, 2, 3`,
    );
    bareMs.push(performance.now() - t);

    // Full run: every key dirty (as if the consumer had just written all events), then one scheduled run.
    await direct.query("TRUNCATE daily_rollups, rollup_dirty_keys");
    await direct.query(`INSERT INTO rollup_dirty_keys (day, source, type) SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date, source, type FROM events`);
    t = performance.now();
    fullReport = await runRollup(db, { kind: "scheduled", budgetMs: 600_000 });
    fullMs.push(performance.now() - t);

    // Backfill of the whole range: nothing dirty, the range recomputed week by week straight from events.
    await direct.query("TRUNCATE daily_rollups, rollup_dirty_keys");
    t = performance.now();
    const bf = await runBackfill(db, { from: new Date(START), to: new Date(START + (DAYS + 1) * 86_400_000), budgetMs: 600_000 });
    backfillMs.push(performance.now() - t);
    if (bf.rows !== bare.rowCount) throw new Error(`backfill rows ${bf.rows} ≠ GROUP BY rows ${bare.rowCount}`);
    if (fullReport.rows !== bare.rowCount) throw new Error(`rollup rows ${fullReport.rows} ≠ GROUP BY rows ${bare.rowCount}`);
    console.error(`[bench] run ${r + 1}: bare ${Math.round(bareMs.at(-1)!)} ms, full rollup ${Math.round(fullMs.at(-1)!)} ms (${fullReport.keysDone} keys), backfill ${Math.round(backfillMs.at(-1)!)} ms`);
  }

  // A run with nothing dirty: the fixed cost of a run (journal, one chunk, counting) through the pool.
  const emptyMs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    t = performance.now();
    await runRollup(db, { kind: "scheduled", budgetMs: 600_000 });
    emptyMs.push(performance.now() - t);
  }

  // 10,000 late events written the way the consumer writes them, then one scheduled run.
  // "spread": over all 90 days (worst case: 10% of all keys); "recent": over the last 3 days.
  async function lateRun(label: string, days: number, r: number) {
    for (let i = 0; i < 10_000; i += 100) {
      await insertEvents(
        db,
        Array.from({ length: 100 }, (_, j) => {
          const k = i + j;
          const day = DAYS - days + ((k * 7919) % days);
          const at = new Date(START + day * 86_400_000 + 3_600_000).toISOString();
          return { v: 1 as const, source: `src-${k % 5}`, id: `late-${label}-${r}-${k}`, type: `type-${k % 20}`, occurredAt: at, receivedAt: at, payload: {} };
        }),
      );
    }
    const t0 = performance.now();
    const report = await runRollup(db, { kind: "scheduled", budgetMs: 600_000 });
    console.error(`[bench] incremental (${label}) ${r + 1}: ${Math.round(performance.now() - t0)} ms (${report.keysDone} keys)`);
    return { ms: performance.now() - t0, keys: report.keysDone };
  }
  const incMs: number[] = [];
  const recentMs: number[] = [];
  let incReport = { keysDone: 0 };
  let recentKeys = 0;
  for (let r = 0; r < REPEATS; r++) {
    const spread = await lateRun("spread", DAYS, r);
    incMs.push(spread.ms);
    incReport = { keysDone: spread.keys };
    const recent = await lateRun("recent", 3, r);
    recentMs.push(recent.ms);
    recentKeys = recent.keys;
  }
  // The incremental result must equal a fresh GROUP BY.
  const diff = await direct.query(`
    SELECT count(*)::int AS n FROM (
      SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, source, type, count(*)::int AS count FROM events GROUP BY 1, 2, 3
      EXCEPT SELECT day, source, type, count FROM daily_rollups) d`);
  if (diff.rows[0].n !== 0) throw new Error(`rollup differs from GROUP BY in ${diff.rows[0].n} rows`);

  const bare = median(bareMs);
  const full = median(fullMs);
  const inc = median(incMs);
  console.log(`\n${N} events, ${DAYS} days × 5 sources × 20 types (${fullReport!.keysDone} keys), PostgreSQL 15, median of ${REPEATS}`);
  console.log("| run | ms | ratio |");
  console.log("|---|---|---|");
  console.log(`| bare GROUP BY (direct) | ${Math.round(bare)} | 1.00× |`);
  console.log(`| full rollup run (all keys dirty, via pool) | ${Math.round(full)} | ${(full / bare).toFixed(2)}× bare |`);
  console.log(`| backfill of the whole range (week by week, via pool) | ${Math.round(median(backfillMs))} | ${(median(backfillMs) / bare).toFixed(2)}× bare |`);
  console.log(`| run with nothing dirty (fixed cost) | ${Math.round(median(emptyMs))} | ${((median(emptyMs) / full) * 100).toFixed(1)}% of full |`);
  console.log(`| incremental after 10,000 late events over all ${DAYS} days (${incReport.keysDone} keys) | ${Math.round(inc)} | ${((inc / full) * 100).toFixed(1)}% of full |`);
  console.log(`| incremental after 10,000 late events over the last 3 days (${recentKeys} keys) | ${Math.round(median(recentMs))} | ${((median(recentMs) / full) * 100).toFixed(1)}% of full |`);
  console.log("\n" + JSON.stringify({ events: N, bareMs: bareMs.map(Math.round), fullMs: fullMs.map(Math.round), backfillMs: backfillMs.map(Math.round), emptyMs: emptyMs.map(Math.round), incMs: incMs.map(Math.round), recentMs: recentMs.map(Math.round), keys: fullReport!.keysDone, incKeys: incReport.keysDone, recentKeys }));
  await pool.stop();
} finally {
  await direct.end().catch(() => {});
  await server.stop();
}
