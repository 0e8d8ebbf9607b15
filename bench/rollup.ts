// bench/rollup: the rollup against the bare GROUP BY it replaces, same data,
// same run, on a real PostgreSQL (Debian package, started here).
//   1. N events (default 1,000,000: 90 days × 20 source/type pairs = 1,800 keys) generated straight into Postgres
//   2. bare:        SELECT day, source, type, count, min, max FROM events GROUP BY … (direct connection)
//   3. full run:    the whole range recomputed from events (runBackfill: windows sized by time, via the Prisma client on @prisma/adapter-pg)
//      deltas run:  the deltas the consumer accumulates while writing those events (one per key), applied by one scheduled run
//   4. incremental: 10,000 late events written by the consumer's insertEvents (which adds them to their keys' deltas), then a scheduled run
//   5. race:        4 writers, rollup runs and backfills at the same time; afterwards the rollup must equal a fresh GROUP BY
//
//   npm run bench:rollup [-- --events 1000000]
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import type { Db } from "../src/consumer/db/client.ts";
import { insertEvents } from "../src/consumer/db/insert-events.ts";
import { runBackfill } from "../src/consumer/rollups/run-backfill.ts";
import { runRollup } from "../src/consumer/rollups/run-rollup.ts";
import { PrismaClient } from "../src/generated/prisma-node/client.ts";
import { DAY_MS, HOUR_MS } from "../src/shared/lib/time.ts";
import { median } from "./lib/events.ts";

const { values: args } = parseArgs({
  options: { events: { type: "string", default: "1000000" }, repeats: { type: "string", default: "3" } },
});
const N = Number(args.events);
const REPEATS = Number(args.repeats);
const DAYS = 90;
const START = Date.parse("2026-08-01T00:00:00Z");

const server = await startRealPostgres({ shared_buffers: "256MB", work_mem: "64MB" });
const direct = new pg.Client({ connectionString: server.url });
try {
  await applyMigrations(server.url);
  await direct.connect();
  // The Node build of the same client, on the same adapter: structurally the Worker's Db.
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: server.url, max: 1 }) }) as unknown as Db;
  // The consumer's statement on connections of its own, as concurrent consumer invocations write.
  const writers4 = new pg.Pool({ connectionString: server.url, max: 4 });

  /** Every rollup row equals a fresh GROUP BY over events, and no key is missing or extra. */
  async function expectRollupEqualsGroupBy() {
    const diff = await direct.query(`
      WITH g AS (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, source, type, count(*)::int AS count, min(occurred_at) AS first, max(occurred_at) AS last FROM events GROUP BY 1, 2, 3),
           r AS (SELECT day, source, type, count, first_occurred_at AS first, last_occurred_at AS last FROM daily_rollups)
      SELECT (SELECT count(*) FROM (SELECT * FROM g EXCEPT SELECT * FROM r) a)::int + (SELECT count(*) FROM (SELECT * FROM r EXCEPT SELECT * FROM g) b)::int AS n`);
    if (diff.rows[0].n !== 0) throw new Error(`rollup differs from GROUP BY in ${diff.rows[0].n} rows`);
  }

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
  const deltasMs: number[] = [];
  let deltaCount = 0;
  let bareRows = 0;
  for (let r = 0; r < REPEATS; r++) {
    t = performance.now();
    const bare = await direct.query(
      `SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, source, type, count(*)::int, min(occurred_at), max(occurred_at) FROM events GROUP BY 1, 2, 3`,
    );
    bareMs.push(performance.now() - t);
    bareRows = bare.rowCount ?? 0;

    // Full run: nothing in the rollup, the whole range recomputed straight from events.
    await direct.query("TRUNCATE daily_rollups, rollup_deltas");
    t = performance.now();
    const bf = await runBackfill(db, { from: new Date(START), to: new Date(START + (DAYS + 1) * DAY_MS), budgetMs: 600_000 });
    fullMs.push(performance.now() - t);
    if (bf.rows !== bareRows) throw new Error(`backfill rows ${bf.rows} ≠ GROUP BY rows ${bareRows}`);
    await expectRollupEqualsGroupBy();

    // Deltas run: the deltas the consumer accumulates for these events (one per key), then one scheduled run.
    await direct.query("TRUNCATE daily_rollups, rollup_deltas");
    const gen = await direct.query(`
      INSERT INTO rollup_deltas (day, source, type, count, first_occurred_at, last_occurred_at)
      SELECT (occurred_at AT TIME ZONE 'UTC')::date, source, type, count(*), min(occurred_at), max(occurred_at)
      FROM events GROUP BY 1, 2, 3`);
    deltaCount = gen.rowCount ?? 0;
    await direct.query("VACUUM ANALYZE rollup_deltas");
    t = performance.now();
    const run = await runRollup(db, { kind: "scheduled", budgetMs: 600_000 });
    deltasMs.push(performance.now() - t);
    if (run.deltas !== deltaCount || !run.complete) throw new Error(`run applied ${run.deltas} of ${deltaCount} deltas`);
    await expectRollupEqualsGroupBy();
    console.error(
      `[bench] run ${r + 1}: bare ${Math.round(bareMs.at(-1)!)} ms, full recompute ${Math.round(fullMs.at(-1)!)} ms, ${deltaCount} deltas applied in ${Math.round(deltasMs.at(-1)!)} ms`,
    );
  }

  // A run with nothing pending: the fixed cost of a run (journal, one chunk) through the pool.
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
        writers4,
        Array.from({ length: 100 }, (_, j) => {
          const k = i + j;
          const day = DAYS - days + ((k * 7919) % days);
          const at = new Date(START + day * DAY_MS + HOUR_MS).toISOString();
          return {
            v: 1 as const,
            source: `src-${k % 5}`,
            id: `late-${label}-${r}-${k}`,
            type: `type-${k % 20}`,
            occurredAt: at,
            receivedAt: at,
            payload: {},
          };
        }),
      );
    }
    const t0 = performance.now();
    const report = await runRollup(db, { kind: "scheduled", budgetMs: 600_000 });
    const ms = performance.now() - t0;
    console.error(`[bench] incremental (${label}) ${r + 1}: ${Math.round(ms)} ms (${report.deltas} deltas, ${report.rows} keys)`);
    return { ms, keys: report.rows, deltas: report.deltas };
  }
  const incMs: number[] = [];
  const recentMs: number[] = [];
  let incKeys = 0;
  let recentKeys = 0;
  for (let r = 0; r < REPEATS; r++) {
    const spread = await lateRun("spread", DAYS, r);
    incMs.push(spread.ms);
    incKeys = spread.keys;
    const recent = await lateRun("recent", 3, r);
    recentMs.push(recent.ms);
    recentKeys = recent.keys;
  }
  await expectRollupEqualsGroupBy();

  // Race: consumers keep writing (late days, some ids twice) while rollup runs and backfills of the same days go on.
  t = performance.now();
  let writing = true;
  let raceRuns = 0;
  let raceBackfills = 0;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let b = 0; b < 40; b++) {
      await insertEvents(
        writers4,
        Array.from({ length: 100 }, (_, j) => {
          const k = b * 100 + j;
          const at = new Date(START + (80 + ((k * 31 + w) % 10)) * DAY_MS + k * 1000).toISOString();
          const id = j % 10 === 0 ? `race-${(w + 1) % 4}-${b}-${j}` : `race-${w}-${b}-${j}`; // every tenth id is another writer's too
          return { v: 1 as const, source: `src-${k % 5}`, id, type: `type-${k % 20}`, occurredAt: at, receivedAt: at, payload: {} };
        }),
      );
    }
  });
  const runner = (async () => {
    while (writing) {
      await runRollup(db, { kind: "scheduled", budgetMs: 60_000 });
      raceRuns++;
    }
  })();
  const backfiller = (async () => {
    while (writing) {
      await runBackfill(db, {
        from: new Date(START + 78 * DAY_MS),
        to: new Date(START + 92 * DAY_MS),
        budgetMs: 60_000,
        daysPerChunk: 3,
      });
      raceBackfills++;
    }
  })();
  await Promise.all(writers);
  writing = false;
  await Promise.all([runner, backfiller]);
  await runRollup(db, { kind: "scheduled", budgetMs: 60_000 });
  await expectRollupEqualsGroupBy();
  console.error(
    `[bench] race: 4 writers × 4,000 events, ${raceRuns} runs and ${raceBackfills} backfills alongside, rollup exact (${Math.round(performance.now() - t)} ms)`,
  );

  const bare = median(bareMs);
  const full = median(fullMs);
  const inc = median(incMs);
  const recent = median(recentMs);
  const pct = (x: number) => `${((x / full) * 100).toFixed(1)}% of full`;
  console.log(`\n${N} events, ${DAYS} days × 20 source/type pairs (${bareRows} keys), PostgreSQL 15, median of ${REPEATS}`);
  console.log("| run | ms | ratio |");
  console.log("|---|---|---|");
  console.log(`| bare GROUP BY (direct) | ${Math.round(bare)} | 1.00× |`);
  console.log(
    `| full run: whole range recomputed from events (backfill, through Prisma + adapter-pg) | ${Math.round(full)} | ${(full / bare).toFixed(2)}× bare |`,
  );
  console.log(
    `| scheduled run applying the consumer's deltas for all ${N} events (${deltaCount} deltas) | ${Math.round(median(deltasMs))} | ${(median(deltasMs) / bare).toFixed(2)}× bare |`,
  );
  console.log(`| run with nothing pending (fixed cost) | ${Math.round(median(emptyMs))} | ${pct(median(emptyMs))} |`);
  console.log(`| incremental after 10,000 late events over all ${DAYS} days (${incKeys} keys) | ${Math.round(inc)} | ${pct(inc)} |`);
  console.log(
    `| incremental after 10,000 late events over the last 3 days (${recentKeys} keys) | ${Math.round(recent)} | ${pct(recent)} |`,
  );
  console.log(
    `\nRace check: 4 writers × 4,000 events (10% of ids written twice) with ${raceRuns} rollup runs and ${raceBackfills} backfills alongside: rollup equals GROUP BY.`,
  );
  console.log(
    `\n${JSON.stringify({ events: N, bareMs: bareMs.map(Math.round), fullMs: fullMs.map(Math.round), deltasMs: deltasMs.map(Math.round), deltas: deltaCount, emptyMs: emptyMs.map(Math.round), incMs: incMs.map(Math.round), recentMs: recentMs.map(Math.round), keys: bareRows, incKeys, recentKeys, raceRuns, raceBackfills })}`,
  );
  await writers4.end();
  await db.$disconnect();
} finally {
  await direct.end().catch(() => {});
  await server.stop();
}
