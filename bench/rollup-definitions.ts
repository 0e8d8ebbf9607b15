// bench/rollup-definitions: a rollup users define (the example: hour
// buckets in America/New_York, by country, count, sum, min, max, distinct
// buyers) against the bare GROUP BY a user would write for it, same rows, same
// run, on a real PostgreSQL (Debian package, started here, fsync on).
//   1. N events (default 1,000,000) over 20 receipt days, written in 10,000-row transactions, some late by weeks
//   2. bare:        the GROUP BY with count(DISTINCT), read-only (the baseline)
//   3. catch-up:    definitions that existed before the events, brought current by the cron's steps (one run over all N)
//   4. backfill:    definitions created after the events, brought current (backfill chunk by chunk, then a run)
//   5. incremental: 1% more events, then a run of each caught-up definition, against the backfill's time
//   The same for the definition without its distinct measure, against the GROUP BY without count(DISTINCT):
//   what the other measures cost apart from the one that must remember every value.
//   6. a big distinct set: a run adding 1,000 values to one day's cell already holding N/100, N/10 and N - 1,000
//      (merging rewrites the cell's set: what ROLLUP_LIMITS.maxDistinctPerCell bounds)
//   7. the write path: the consumer's statement with and without written_xid and its index (bench/lib/written-xid-ab.ts)
// Each definition's data is checked against the bare GROUP BY (rows and totals).
//
//   npm run bench:rollup-definitions [-- --events 1000000 --repeats 3]
import { parseArgs } from "node:util";
import pg from "pg";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { pgRawSql } from "../scripts/db/pg-raw-sql.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import { maintainEvents } from "../src/consumer/db/maintain-events.ts";
import { refreshDefinition } from "../src/consumer/db/rollup-definitions/refresh-definition.ts";
import { saveDefinition } from "../src/consumer/db/rollup-definitions/save-definition.ts";
import { rollupDefinitionSchema } from "../src/consumer/rollups/user-defined/definition-schema.ts";
import { median } from "./lib/events.ts";
import { writtenXidAb } from "./lib/written-xid-ab.ts";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    repeats: { type: "string", default: "3" },
    "write-rows": { type: "string", default: "16000" },
    "write-rounds": { type: "string", default: "6" },
  },
});
const N = Number(args.events);
const REPEATS = Number(args.repeats);
const DAYS = 20;
const TZ = "America/New_York";

const DEFINITION = rollupDefinitionSchema.parse({
  source: "shop",
  type: "order.*",
  granularity: "hour",
  timeZone: TZ,
  dimensions: { country: "/payload/country" },
  measures: {
    orders: "count",
    revenue: { sum: "/payload/amount" },
    smallest: { min: "/payload/amount" },
    largest: { max: "/payload/amount" },
    buyers: { distinct: "/payload/user" },
  },
});

const { buyers: _, ...withoutDistinct } = DEFINITION.measures;
const PLAIN = { ...DEFINITION, measures: withoutDistinct };

const BARE_SQL = `
  SELECT bucket, country, count(*) AS orders, sum(amount) AS revenue, min(amount) AS smallest, max(amount) AS largest, count(DISTINCT buyer) AS buyers
  FROM (
    SELECT e.occurred_at - ((e.occurred_at AT TIME ZONE '${TZ}') - date_trunc('hour', e.occurred_at AT TIME ZONE '${TZ}')) AS bucket,
      e.payload->'country' AS country, e.payload->'user' AS buyer,
      CASE WHEN jsonb_typeof(e.payload->'amount') = 'number' THEN (e.payload->>'amount')::numeric END AS amount
    FROM events e WHERE e.source = 'shop' AND starts_with(e.type, 'order.')
  ) x
  GROUP BY 1, 2`;

const server = await startRealPostgres({ shared_buffers: "256MB", work_mem: "64MB" });
const client = new pg.Client({ connectionString: server.url });
try {
  await applyMigrations(server.url);
  await client.connect();
  const day0 = (await client.query<{ d: Date }>("SELECT history_before AS d FROM event_lifecycle")).rows[0]!.d;
  await maintainEvents(pgRawSql(client), day0, { partitionsAheadDays: DAYS + 2, retentionDays: null, dedupeWindowDays: 90 });

  /** `n` events received over the 20 days after `from`, in transactions of 10,000 rows (each its own xid). */
  async function load(n: number, first: number) {
    for (let at = 0; at < n; at += 10_000) {
      await client.query(
        `INSERT INTO events (source, id, type, occurred_at, received_at, payload)
         SELECT CASE WHEN i % 5 = 0 THEN 'blog' ELSE 'shop' END, 'e-' || i, (ARRAY['order.created', 'order.paid', 'refund'])[1 + i % 3],
           -- most occur up to 6 hours before their receipt; 1 in 100 weeks before (late data)
           rt - make_interval(secs => CASE WHEN i % 100 = 0 THEN 86400 * (7 + i % 21) ELSE (i::bigint * 7919) % 21600 END), rt,
           jsonb_build_object('country', 'c' || (i % 20), 'user', 'u' || ((i * 31) % 50000),
             'amount', CASE WHEN i % 50 = 0 THEN to_jsonb('n/a'::text) ELSE to_jsonb(((i * 37) % 10000) / 100.0) END)
         FROM generate_series($1::int, $2::int) AS i,
           LATERAL (SELECT $3::timestamptz + make_interval(secs => (i::float8 / $4::float8) * ${DAYS} * 86400 * 0.999) AS rt) t`,
        [first + at, first + Math.min(at + 10_000, n) - 1, day0.toISOString(), N + N / 100],
      );
    }
    await client.query("VACUUM ANALYZE events");
  }

  /** Steps of one definition until it is current and a run found nothing new; the time it took. */
  async function bringCurrent(name: string): Promise<number> {
    const t = performance.now();
    for (;;) {
      const step = await refreshDefinition(client, name, { backfillDays: 7, timeoutMs: 600_000 });
      if (step.phase === "run") break;
    }
    return performance.now() - t;
  }

  /** The definition's data against the bare GROUP BY: same rows, same totals. */
  async function check(name: string) {
    const { rows } = await client.query(
      `WITH bare AS (${BARE_SQL})
       SELECT (SELECT count(*) FROM bare)::int AS bare_rows, (SELECT sum(orders) FROM bare)::bigint AS bare_orders,
         (SELECT sum(revenue) FROM bare)::text AS bare_revenue, (SELECT sum(buyers) FROM bare)::bigint AS bare_buyers,
         (SELECT count(*) FROM rollup_cells c JOIN rollup_definitions d ON d.cells_id = c.rollup_id WHERE d.name = $1 AND c.measure = 'orders')::int AS rows,
         (SELECT sum(n) FROM rollup_cells c JOIN rollup_definitions d ON d.cells_id = c.rollup_id WHERE d.name = $1 AND c.measure = 'orders')::bigint AS orders,
         (SELECT sum(sum) FROM rollup_cells c JOIN rollup_definitions d ON d.cells_id = c.rollup_id WHERE d.name = $1 AND c.measure = 'revenue')::text AS revenue,
         (SELECT sum(n) FROM rollup_cells c JOIN rollup_definitions d ON d.cells_id = c.rollup_id WHERE d.name = $1 AND c.measure = 'buyers')::bigint AS buyers`,
      [name],
    );
    const r = rows[0];
    if (r.rows !== r.bare_rows || r.orders !== r.bare_orders || r.revenue !== r.bare_revenue || r.buyers !== r.bare_buyers) {
      throw new Error(`${name} differs from the GROUP BY: ${JSON.stringify(r)}`);
    }
  }

  async function bare(sql = BARE_SQL): Promise<number> {
    const t = performance.now();
    await client.query(sql);
    return performance.now() - t;
  }
  const BARE_PLAIN_SQL = BARE_SQL.replace(", count(DISTINCT buyer) AS buyers", "");

  const save = (name: string) => saveDefinition(pgRawSql(client), name, name.startsWith("plain") ? PLAIN : DEFINITION, 50);
  for (let r = 0; r < REPEATS; r++) {
    for (const name of [`catch_${r}`, `plain_catch_${r}`]) {
      await save(name);
      await bringCurrent(name); // nothing yet: its backfill is empty
    }
  }
  let t = performance.now();
  await load(N, 0);
  console.error(`[bench] loaded ${N} events in ${Math.round(performance.now() - t)} ms`);

  const bareMs: number[] = [];
  const catchUpMs: number[] = [];
  const backfillMs: number[] = [];
  const plain = { bare: [] as number[], catchUp: [] as number[], backfill: [] as number[], incremental: [] as number[] };
  for (let r = 0; r < REPEATS; r++) {
    bareMs.push(await bare());
    catchUpMs.push(await bringCurrent(`catch_${r}`));
    await check(`catch_${r}`);
    await save(`backfill_${r}`);
    backfillMs.push(await bringCurrent(`backfill_${r}`));
    await check(`backfill_${r}`);
    plain.bare.push(await bare(BARE_PLAIN_SQL));
    plain.catchUp.push(await bringCurrent(`plain_catch_${r}`));
    await save(`plain_backfill_${r}`);
    plain.backfill.push(await bringCurrent(`plain_backfill_${r}`));
  }
  t = performance.now();
  await load(N / 100, N);
  console.error(`[bench] loaded ${N / 100} more events in ${Math.round(performance.now() - t)} ms`);
  const incrementalMs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    incrementalMs.push(await bringCurrent(`catch_${r}`));
    await check(`catch_${r}`);
    plain.incremental.push(await bringCurrent(`plain_catch_${r}`));
  }
  const cells = (
    await client.query(
      "SELECT count(*)::int AS n FROM rollup_cells c JOIN rollup_definitions d ON d.cells_id = c.rollup_id WHERE d.name = 'catch_0'",
    )
  ).rows[0].n;
  const m = { bare: median(bareMs), catchUp: median(catchUpMs), backfill: median(backfillMs), incremental: median(incrementalMs) };
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(`rollup definitions, ${N} events (${cells} cells of 5 measures), median of ${REPEATS}; PostgreSQL 15, fsync on`);
  console.log(`  bare GROUP BY (with count DISTINCT)      ${ms(m.bare)}`);
  console.log(`  catch-up run over all ${N}            ${ms(m.catchUp)}   ${(m.catchUp / m.bare).toFixed(2)}× bare   (bar ≤ 1.5×)`);
  console.log(`  backfill of a new definition             ${ms(m.backfill)}   ${(m.backfill / m.bare).toFixed(2)}× bare   (bar ≤ 2×)`);
  console.log(
    `  run over 1% new events                   ${ms(m.incremental)}   ${((100 * m.incremental) / m.backfill).toFixed(1)}% of a full recompute   (bar ≤ 5%)`,
  );
  const p = {
    bare: median(plain.bare),
    catchUp: median(plain.catchUp),
    backfill: median(plain.backfill),
    incremental: median(plain.incremental),
  };
  console.log("without the distinct measure (count, sum, min, max), against the GROUP BY without count(DISTINCT):");
  console.log(`  bare GROUP BY                            ${ms(p.bare)}`);
  console.log(`  catch-up run                             ${ms(p.catchUp)}   ${(p.catchUp / p.bare).toFixed(2)}× bare`);
  console.log(`  backfill                                 ${ms(p.backfill)}   ${(p.backfill / p.bare).toFixed(2)}× bare`);
  console.log(
    `  run over 1% new events                   ${ms(p.incremental)}   ${((100 * p.incremental) / p.backfill).toFixed(1)}% of a full recompute`,
  );
  /** One cell (a day, no dimension) holding `size` distinct values; the time of a run that adds 1,000 more. */
  async function bigSetRun(size: number): Promise<number> {
    const source = `big${size}`;
    const insert = (from: number, to: number) =>
      client.query(
        `INSERT INTO events (source, id, type, occurred_at, received_at, payload)
         SELECT $1, 'b-' || i, 'visit', $2::timestamptz, $2::timestamptz, jsonb_build_object('user', 'u' || i)
         FROM generate_series($3::int, $4::int) AS i`,
        [source, new Date(day0.getTime() + 10.5 * 86_400_000).toISOString(), from, to],
      );
    for (let at = 0; at < size; at += 100_000) await insert(at, Math.min(at + 100_000, size) - 1);
    await saveDefinition(
      pgRawSql(client),
      source,
      rollupDefinitionSchema.parse({ source, granularity: "day", measures: { visitors: { distinct: "/payload/user" } } }),
      50,
    );
    await bringCurrent(source);
    await insert(size, size + 999);
    return bringCurrent(source);
  }
  const sizes = [N / 100, N / 10, N - 1000]; // the last one ends at N (and ROLLUP_LIMITS.maxDistinctPerCell at the default size)
  const bigRuns = [];
  for (const size of sizes) bigRuns.push(await bigSetRun(size));
  console.log("a run adding 1,000 values to a distinct measure's cell that holds N (one run each):");
  for (const [i, size] of sizes.entries()) {
    console.log(`  N = ${String(size).padEnd(9)} ${ms(bigRuns[i]!)}   ${(bigRuns[i]! / bigRuns[0]!).toFixed(1)}× N = ${sizes[0]}`);
  }
  console.log("the consumer's write, with written_xid and its BRIN index ÷ without (median of rounds):");
  for (const [writers, batch] of [
    [1, 1000],
    [10, 100],
    [32, 100],
  ] as const) {
    const ab = await writtenXidAb(server, { writers, batch, rows: Number(args["write-rows"]), rounds: Number(args["write-rounds"]) });
    const ratios = ab.ratios.map((x) => x.toFixed(2)).join(", ");
    console.log(
      `  ${writers} writer(s) × ${batch} events: ${median(ab.ratios).toFixed(2)} (${ratios}); ${ab.withRowsPerSec} vs ${ab.withoutRowsPerSec} rows/s`,
    );
  }
} finally {
  await client.end().catch(() => {});
  await server.stop();
}
