// bench/lifecycle: the partitioned events layout (day partitions, dedupe ledger)
// against the layout before it ("today": one table keyed by (source, id)), in
// the same run, on one real PostgreSQL (Debian package, started here, fsync
// on), each layout in a database of its own migrated to it.
//   1. write:   the consumer's statement, batches of 100 and 1,000, 1, 10 (the consumer's max_concurrency) and 32 writers: rows/s
//               (on warm connections, as a pool's are)
//      1b.      what the dedupe ledger costs: the partitioned statement with it, with it unpartitioned, and without it (batches of 1, 100, 1,000)
//      1c.      what a new connection pays once, on each layout (its first statements against the steady pace)
//      1d.      a backlog of copies: redeliveries of rows written days before, all duplicates (checked statement)
//   2. drop:    one day of N events removed: DROP of its partition vs DELETE … WHERE its day; time and the table's size after
//               (and the floor under the drop's time: the filesystem removing a plain file of the partition's size)
//   3. lookup:  an event by (source, id) with N events over 400 day partitions vs unpartitioned: p50/p99
//               (through the ledger, as the admin API looks up; and without it, every partition probed)
//   4. rollups: a full run (backfill of every day, in windows) and an incremental run (10,000 late events, then a
//               scheduled run), same code on both layouts; and the whole range in one statement, against the
//               statement before partitioning on the layout before it
//   5. size:    bytes per event on disk in each layout once the N events of 3 and 4 are loaded, and the
//               ledger's bytes per row, at the length of source + id measured
//
//   npm run bench:lifecycle [-- --events 1000000 --repeats 5 --lookups 2000 --write-rows 100000]
import { execFileSync } from "node:child_process";
import { open, truncate as truncateFile, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import type { Db } from "../src/consumer/db/client.ts";
import { dropExpiredTables } from "../src/consumer/db/drop-expired-tables.ts";
import { DATABASE_FUNCTIONS } from "../src/consumer/db/functions.ts";
import { getEvent } from "../src/consumer/db/get-event.ts";
import { insertEvents } from "../src/consumer/db/insert-events.ts";
import { recomputeRange } from "../src/consumer/db/recompute-range.ts";
import { runBackfill } from "../src/consumer/rollups/run-backfill.ts";
import { runRollup } from "../src/consumer/rollups/run-rollup.ts";
import { PrismaClient } from "../src/generated/prisma-node/client.ts";
import type { EventMessage } from "../src/shared/events/event-message.ts";
import { DAY_MS } from "../src/shared/lib/time.ts";
import { median, quantile } from "./lib/events.ts";
import { insertWithLedgerTable, insertWithoutLedger } from "./lib/insert-variants.ts";
import { RECOMPUTE_SQL_BEFORE_PARTITIONING } from "./lib/recompute-before.ts";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    // Day partitions the events are spread over (lookups and rollups read them all).
    days: { type: "string", default: "400" },
    repeats: { type: "string", default: "5" },
    lookups: { type: "string", default: "2000" },
    // Rows per write measurement (one writer; 10 or 32 writers write 1.6× as many together, and each
    // writer at least 20 statements): a few seconds each, so a checkpoint or a neighbour on the
    // machine moves one sample, not the median.
    "write-rows": { type: "string", default: "100000" },
    "min-statements": { type: "string", default: "20" },
  },
});
const N = Number(args.events);
const REPEATS = Number(args.repeats);
const LOOKUPS = Number(args.lookups);
const WRITE_ROWS = Number(args["write-rows"]);
const MIN_STATEMENTS_PER_WRITER = Number(args["min-statements"]);
const DAYS = Number(args.days);
/** The last migration of the layout before partitioning. */
const BEFORE_PARTITIONING = "20261129214321_ingest_lag";

const server = await startRealPostgres({ shared_buffers: "256MB", work_mem: "64MB" });
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** A connection of its own; its errors are the server stopping at the end. */
async function connect(url: string) {
  const c = new pg.Client(url);
  c.on("error", () => {});
  await c.connect();
  return c;
}

async function database(name: string, through?: string) {
  const url = await server.createDatabase(name);
  await applyMigrations(url, through);
  const direct = await connect(url);
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1 }) }) as unknown as Db;
  return { name, url, direct, db };
}

try {
  const today = await database("today", BEFORE_PARTITIONING);
  // The rollup section runs today's rollup code on both layouts; it adds deltas by a function the layout before did not have.
  await today.direct.query(DATABASE_FUNCTIONS.find((f) => f.name === "eventline_rollup_sum")!.sql);
  const part = await database("partitioned");
  const layouts = [today, part];
  // Every day from the first after the history on gets a partition: 400 of them.
  const { rows } = await part.direct.query<{ first: Date }>("SELECT history_before AS first FROM event_lifecycle");
  const D0 = rows[0]!.first.getTime();
  await part.direct.query("SELECT eventline_maintain_events($1::date, $2, NULL, 90)", [new Date(D0).toISOString().slice(0, 10), DAYS - 1]);
  const report: Record<string, unknown> = { events: N, partitions: DAYS, repeats: REPEATS, writeRows: WRITE_ROWS };
  // Written events alternate, batch by batch, between a day in the first window of the ledger's
  // generation (one ledger row per id) and a day in its last window (two rows): the steady-state mix.
  const { rows: gens } = await part.direct.query<{ first: Date }>(
    "SELECT first_day::timestamptz AS first FROM event_id_generations WHERE generation = 1",
  );
  const writeDay = (b: number) => (b % 2 ? gens[0]!.first.getTime() - DAY_MS : D0 + DAY_MS);
  const event = (id: string, at: number, i: number): EventMessage => ({
    v: 1,
    source: `src-${i % 5}`,
    id,
    type: `type-${i % 20}`,
    occurredAt: new Date(at).toISOString(),
    receivedAt: new Date(at).toISOString(),
    payload: { user: `u-${i % 5000}`, plan: "pro", amount: 12.5, note: "x".repeat(80) },
  });
  /** One statement of `size` events, ids `${idPrefix}-${i}`, received from `at` on, a millisecond apart: first deliveries, or redeliveries (copies). */
  const writeBatch = (c: pg.Client, idPrefix: string, at: number, size: number, copies = false) =>
    insertEvents(
      c,
      Array.from({ length: size }, (_, i) => event(`${idPrefix}-${i}`, at + i, i)),
      copies ? { firstDeliveries: 0, redeliveries: size } : { firstDeliveries: size, redeliveries: 0 },
    );
  const truncate = (l: typeof today) =>
    l.direct.query(`TRUNCATE events, rollup_deltas, stage_counters, daily_rollups${l === part ? ", event_ids" : ""}`);

  // 1. write. Autovacuum is off while writing: on 2 cores its work on one layout's fresh rows
  // landed in the other layout's next measurement (per-repeat ratios ranged 0.66–0.94).
  // Every measurement starts from truncated tables and a checkpoint.
  const autovacuum = async (on: boolean) => {
    await today.direct.query(`ALTER SYSTEM SET autovacuum = ${on ? "on" : "off"}`);
    await today.direct.query("SELECT pg_reload_conf()");
  };
  await autovacuum(false);
  // Writers are warm connections, as Hyperdrive's are: its pool keeps origin connections open
  // across Worker invocations (developers.cloudflare.com/hyperdrive/configuration/tune-connection-pool).
  // A new connection compiles the PL/pgSQL function on its first call and plans the statement
  // afresh for each of its first five (Postgres' plan cache then settles on the generic plan),
  // a one-time cost that 32 writers of 50 statements each would otherwise spread over every
  // statement they time; section 1c measures it apart.
  const WARM_STATEMENTS = 8;
  const warm = async (c: pg.Client, prefix: string) => {
    for (let k = 0; k < WARM_STATEMENTS; k++) {
      await writeBatch(c, `${prefix}-${k}`, writeDay(k) + k * 1000, 1);
    }
  };
  const write: Record<string, unknown>[] = [];
  for (const [batch, writers] of [
    [100, 1],
    [1000, 1],
    [100, 10],
    [1000, 10],
    [100, 32],
    [1000, 32],
  ] as const) {
    // 32 writers of 1,000 events would otherwise write 5 statements each: all at once, a burst, not a pace.
    const rowsPerWriter = Math.max(writers === 1 ? WRITE_ROWS : (WRITE_ROWS * 1.6) / writers, MIN_STATEMENTS_PER_WRITER * batch);
    const rps = new Map<string, number[]>();
    for (let r = 0; r < REPEATS; r++) {
      for (const l of r % 2 ? [...layouts].reverse() : layouts) {
        await truncate(l);
        await l.direct.query("CHECKPOINT");
        const conns = await Promise.all(Array.from({ length: writers }, () => connect(l.url)));
        await Promise.all(conns.map((c, w) => warm(c, `warm${r}-${w}`)));
        const t0 = performance.now();
        await Promise.all(
          conns.map(async (c, w) => {
            for (let b = 0; b < rowsPerWriter / batch; b++) {
              await writeBatch(c, `w${r}-${w}-${b}`, writeDay(b) + (w * 997 + b) * 1000, batch);
            }
          }),
        );
        const s = (performance.now() - t0) / 1000;
        await Promise.all(conns.map((c) => c.end()));
        rps.set(l.name, [...(rps.get(l.name) ?? []), (writers * rowsPerWriter) / s]);
      }
    }
    const [a, b] = [median(rps.get("today")!), median(rps.get("partitioned")!)];
    // Each repeat measures both layouts back to back: the ratio within a repeat is what drifts least.
    const ratios = rps.get("partitioned")!.map((x, r) => x / rps.get("today")![r]!);
    write.push({
      batch,
      writers,
      todayRowsPerSec: Math.round(a),
      partitionedRowsPerSec: Math.round(b),
      ratio: round(median(ratios)),
      ratioRange: [round(Math.min(...ratios)), round(Math.max(...ratios))],
    });
    console.error(
      `[bench] write batch ${batch} × ${writers} writers: partitioned/today ${round(median(ratios))} (${ratios.map((x) => round(x)).join(", ")})`,
    );
  }
  report.write = write;

  // 1d. A backlog of copies: redeliveries of rows written days before (their receipt kept), every one a
  // duplicate, through the checked statement; the originals are written first, untimed.
  const backlog: Record<string, unknown>[] = [];
  for (const [batch, writers] of [
    [100, 1],
    [1000, 1],
    [100, 10],
  ] as const) {
    const rowsPerWriter = Math.max(writers === 1 ? WRITE_ROWS / 2 : (WRITE_ROWS * 0.8) / writers, MIN_STATEMENTS_PER_WRITER * batch);
    const statements = rowsPerWriter / batch;
    const rps = new Map<string, number[]>();
    for (let r = 0; r < REPEATS; r++) {
      for (const l of r % 2 ? [...layouts].reverse() : layouts) {
        await truncate(l);
        const conns = await Promise.all(Array.from({ length: writers }, () => connect(l.url)));
        const at = (w: number, b: number) => writeDay(b) + (w * 997 + b) * 1000;
        await Promise.all(
          conns.map(async (c, w) => {
            for (let b = 0; b < statements; b++) await writeBatch(c, `c${r}-${w}-${b}`, at(w, b), batch);
          }),
        );
        await l.direct.query("CHECKPOINT");
        const t0 = performance.now();
        await Promise.all(
          conns.map(async (c, w) => {
            for (let b = 0; b < statements; b++) await writeBatch(c, `c${r}-${w}-${b}`, at(w, b), batch, true);
          }),
        );
        const s = (performance.now() - t0) / 1000;
        await Promise.all(conns.map((c) => c.end()));
        rps.set(l.name, [...(rps.get(l.name) ?? []), (writers * rowsPerWriter) / s]);
      }
    }
    const ratios = rps.get("partitioned")!.map((x, r) => x / rps.get("today")![r]!);
    backlog.push({
      batch,
      writers,
      todayCopiesPerSec: Math.round(median(rps.get("today")!)),
      partitionedCopiesPerSec: Math.round(median(rps.get("partitioned")!)),
      ratio: round(median(ratios)),
      ratioRange: [round(Math.min(...ratios)), round(Math.max(...ratios))],
    });
    console.error(
      `[bench] backlog of copies, batch ${batch} × ${writers}: partitioned/today ${round(median(ratios))} (${ratios.map((x) => round(x)).join(", ")})`,
    );
  }
  report.backlogOfCopies = backlog;

  // 1b. What the ledger costs: the partitioned statement with it, with it in one unpartitioned
  // table (what any other storage of the ledger could at best save), and without it; same
  // database, one writer. Batches of 1 show what a statement pays whatever its size.
  await part.direct.query("CREATE TABLE bench_event_ids (LIKE event_ids INCLUDING DEFAULTS, PRIMARY KEY (source, id, generation))");
  await part.direct.query(insertWithLedgerTable("bench_insert_events_unpartitioned_ledger", "bench_event_ids"));
  await part.direct.query(insertWithoutLedger("bench_insert_events_without_ledger"));
  const variants = {
    withLedger: "eventline_insert_events",
    unpartitionedLedger: "bench_insert_events_unpartitioned_ledger",
    withoutLedger: "bench_insert_events_without_ledger",
  };
  const ledgerCost: Record<string, unknown>[] = [];
  for (const batch of [1, 100, 1000]) {
    const statements = (batch === 1 ? WRITE_ROWS / 20 : WRITE_ROWS) / batch;
    const us = new Map<string, number[]>();
    for (let r = 0; r < REPEATS; r++) {
      const order = Object.entries(variants);
      for (const [variant, fn] of r % 2 ? order.reverse() : order) {
        await truncate(part);
        await part.direct.query("TRUNCATE bench_event_ids");
        await part.direct.query("CHECKPOINT");
        const t1 = performance.now();
        for (let b = 0; b < statements; b++) {
          const events = Array.from({ length: batch }, (_, i) => event(`l${r}-${variant}-${b}-${i}`, writeDay(b) + b * 1000 + i, i));
          await part.direct.query(`SELECT ${fn}($1::jsonb, $2::bigint, 0)`, [JSON.stringify(events), batch]);
        }
        us.set(variant, [...(us.get(variant) ?? []), ((performance.now() - t1) * 1000) / statements]);
      }
    }
    const ratio = (v: string) => round(median(us.get(v)!.map((x, r) => x / us.get("withLedger")![r]!)));
    ledgerCost.push({
      batch,
      microsecondsPerStatement: Object.fromEntries(Object.keys(variants).map((v) => [v, Math.round(median(us.get(v)!))])),
      // Rows/s with the ledger as partitioned against each other way, each repeat's own ratio.
      ratioToUnpartitionedLedger: ratio("unpartitionedLedger"),
      ratioToWithoutLedger: ratio("withoutLedger"),
    });
  }
  report.ledgerCost = ledgerCost;
  console.error(`[bench] ledger cost: ${JSON.stringify(ledgerCost)}`);

  // 1c. What a new connection pays once: its first WARM_STATEMENTS statements of 100 events,
  // less as many at the pace of the 20 after them, each layout on a fresh connection.
  const firstStatements = new Map<string, number[]>();
  for (let r = 0; r < REPEATS; r++) {
    for (const l of r % 2 ? [...layouts].reverse() : layouts) {
      const c = await connect(l.url);
      const ms: number[] = [];
      for (let b = 0; b < WARM_STATEMENTS + 20; b++) {
        const t = performance.now();
        await writeBatch(c, `n${r}-${b}`, writeDay(b) + b * 1000, 100);
        ms.push(performance.now() - t);
      }
      await c.end();
      const steady = median(ms.slice(WARM_STATEMENTS));
      const extra = ms.slice(0, WARM_STATEMENTS).reduce((a, x) => a + x - steady, 0);
      firstStatements.set(l.name, [...(firstStatements.get(l.name) ?? []), extra]);
    }
  }
  report.newConnection = {
    statements: WARM_STATEMENTS,
    extraMs: Object.fromEntries(layouts.map((l) => [l.name, round(median(firstStatements.get(l.name)!), 1)])),
  };
  console.error(`[bench] new connection: ${JSON.stringify(report.newConnection)}`);
  await autovacuum(true);

  // 2. drop vs delete: one day of N events (and a tenth of that the day after, which stays).
  const day = D0 + 2 * DAY_MS;
  const fill = (l: typeof today, count: number, from: number) =>
    l.direct.query(
      `INSERT INTO events (source, id, type, occurred_at, received_at, payload)
       SELECT 'src-' || (i % 5), 'd-' || $3::bigint || '-' || i, 'type-' || (i % 20), ts, ts, '{"plan":"pro","amount":12.5,"note":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'::jsonb
       FROM generate_series(1, $1::int) AS i, LATERAL (SELECT to_timestamp(($2::float8 + (i::float8 / $1) * 86399000) / 1000) AS ts) t`,
      [count, from, from],
    );
  // A table's bytes with its indexes and TOAST: every partition of a partitioned table, or the table itself.
  const bytes = async (l: typeof today, table: string) =>
    Number(
      (
        await l.direct.query<{ b: string }>(
          "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree($1)), pg_total_relation_size($1))::bigint AS b",
          [table],
        )
      ).rows[0]!.b,
    );
  const size = (l: typeof today) => bytes(l, "events");
  for (const l of layouts) {
    await truncate(l);
    await fill(l, N, day);
    await fill(l, Math.round(N / 10), day + DAY_MS);
    await l.direct.query("VACUUM ANALYZE events");
  }
  const before = { today: await size(today), partitioned: await size(part) };
  await today.direct.query("CHECKPOINT");
  await part.direct.query("CHECKPOINT");
  // The WAL each writes (the server's, measured one at a time): what replicas and backups must carry.
  const lsn = async () => (await today.direct.query<{ l: string }>("SELECT pg_current_wal_lsn()::text AS l")).rows[0]!.l;
  const walSince = async (from: string) =>
    Number((await today.direct.query<{ b: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint AS b", [from])).rows[0]!.b);
  let mark = await lsn();
  let t0 = performance.now();
  await today.direct.query("DELETE FROM events WHERE received_at >= $1 AND received_at < $2", [new Date(day), new Date(day + DAY_MS)]);
  const deleteMs = performance.now() - t0;
  const deleteWal = await walSince(mark);
  const afterDelete = await size(today);
  // The rows' space is reusable only once a vacuum has removed them and their index entries.
  mark = await lsn();
  t0 = performance.now();
  await today.direct.query("VACUUM events");
  const vacuumMs = performance.now() - t0;
  const vacuumWal = await walSince(mark);
  const dayPartition = `events_p${new Date(day).toISOString().slice(0, 10).replaceAll("-", "")}`;
  const partitionBytes = await bytes(part, dayPartition);
  // The two steps the cron takes (src/consumer/db/maintain-events.ts): the maintenance run detaches the
  // partition and renames it, the only moment `events` is locked; then its own transaction drops it.
  mark = await lsn();
  t0 = performance.now();
  await part.direct.query(
    `ALTER TABLE events DETACH PARTITION ${dayPartition}; ALTER TABLE ${dayPartition} RENAME TO expired_${dayPartition}`,
  );
  const takeOutMs = performance.now() - t0;
  await part.db.$queryRawUnsafe("SELECT 1"); // the client's connection opened before the clock starts
  t0 = performance.now();
  const dropped = await dropExpiredTables(part.db);
  const dropExpiredMs = performance.now() - t0;
  if (dropped.join() !== `expired_${dayPartition}`) throw new Error(`dropped ${dropped.join()}`);
  const dropMs = takeOutMs + dropExpiredMs;
  const dropWal = await walSince(mark);
  // What the drop cannot go below: the filesystem freeing as many bytes of written, cached
  // pages (Postgres truncates a dropped relation's files at commit), one plain file here.
  const file = join(tmpdir(), `eventline-bench-${process.pid}`);
  const fd = await open(file, "w");
  const chunk = Buffer.alloc(8 << 20);
  for (let written = 0; written < partitionBytes; written += chunk.length) await fd.write(chunk);
  await fd.sync();
  await fd.close();
  t0 = performance.now();
  await truncateFile(file, 0);
  await unlink(file);
  const removeFileMs = performance.now() - t0;
  // The floor is the filesystem's (the server's files are under the same tmpdir): say which, and how it is mounted.
  const filesystem = (() => {
    try {
      return execFileSync("findmnt", ["-n", "-o", "FSTYPE,OPTIONS", "-T", tmpdir()], { encoding: "utf8" }).trim();
    } catch {
      return "unknown (findmnt failed)";
    }
  })();
  const mb = (b: number) => round(b / 2 ** 20, 1);
  report.drop = {
    deleteMs: round(deleteMs, 1),
    vacuumAfterDeleteMs: round(vacuumMs, 1),
    dropMs: round(dropMs, 1),
    dropSteps: { takeOutOfEventsMs: round(takeOutMs, 1), dropExpiredTableMs: round(dropExpiredMs, 1) },
    removeFileOfPartitionSizeMs: round(removeFileMs, 1),
    filesystem,
    deleteOverDrop: round(deleteMs / dropMs, 1),
    deleteOverTakeOut: round(deleteMs / takeOutMs, 1),
    deleteAndVacuumOverDrop: round((deleteMs + vacuumMs) / dropMs, 1),
    walMB: { delete: mb(deleteWal), vacuumAfterDelete: mb(vacuumWal), drop: mb(dropWal) },
    sizeBeforeMB: { today: mb(before.today), partitioned: mb(before.partitioned) },
    sizeAfterMB: { todayAfterDelete: mb(afterDelete), todayAfterVacuum: mb(await size(today)), partitioned: mb(await size(part)) },
  };
  console.error(`[bench] drop: ${JSON.stringify(report.drop)}`);
  await part.direct.query("SELECT eventline_maintain_events($1::date, $2, NULL, 90)", [new Date(D0).toISOString().slice(0, 10), DAYS - 1]);

  // 3 and 4 share N events over 400 days, written by the consumer's statement.
  for (const l of layouts) {
    await truncate(l);
    await l.direct.query("SET synchronous_commit = off"); // loading only: the measured statements run in other sessions' settings
    for (let i = 0; i < N; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, N - i) }, (_, k) => {
        const n = i + k;
        return event(`e-${n}`, D0 + Math.floor((n / N) * DAYS * DAY_MS), n);
      });
      await insertEvents(l.direct, batch, { firstDeliveries: batch.length, redeliveries: 0 });
    }
    await l.direct.query("SET synchronous_commit = on");
    await l.direct.query("VACUUM ANALYZE");
    console.error(`[bench] loaded ${N} events into ${l.name}`);
  }
  // What the events take on disk in each layout, and the ledger's share: docs/configuration.md's
  // capacity rests on the bytes per ledger row, at the length of source + id measured here.
  const { rows: ledgerRows } = await part.direct.query<{ n: string; key: string }>(
    "SELECT count(*) AS n, avg(octet_length(source) + octet_length(id)) AS key FROM event_ids",
  );
  const [ledgerBytes, eventBytes, todayBytes] = [await bytes(part, "event_ids"), await size(part), await size(today)];
  const ledgerRowCount = Number(ledgerRows[0]!.n);
  report.size = {
    events: N,
    bytesPerEvent: { today: round(todayBytes / N, 1), partitioned: round((eventBytes + ledgerBytes) / N, 1) },
    ratio: round((eventBytes + ledgerBytes) / todayBytes),
    ledger: {
      rows: ledgerRowCount,
      bytesPerRow: round(ledgerBytes / ledgerRowCount, 1),
      meanSourceAndIdBytes: round(Number(ledgerRows[0]!.key), 1),
      shareOfPartitioned: round(ledgerBytes / (eventBytes + ledgerBytes)),
    },
  };
  console.error(`[bench] size: ${JSON.stringify(report.size)}`);

  // 3. lookup
  const ids = Array.from({ length: LOOKUPS }, (_, k) => {
    const n = Math.floor((k * 7919) % N);
    return { source: `src-${n % 5}`, id: `e-${n}` };
  });
  // The columns both layouts have (the layout before partitioning predates written_xid).
  const select = {
    source: true,
    id: true,
    type: true,
    occurredAt: true,
    receivedAt: true,
    writtenAt: true,
    payload: true,
    attributes: true,
  };
  const ways: Record<string, (x: { source: string; id: string }) => Promise<unknown>> = {
    today: (x) => today.db.event.findFirst({ where: x, select }),
    ledger: async (x) => (await getEvent(part.db, x.source, x.id)).event,
  };
  const ms: Record<string, number[]> = { today: [], ledger: [], everyPartition: [] };
  const timed = async (k: string, f: () => Promise<unknown>, keep: boolean) => {
    const t = performance.now();
    if (!(await f())) throw new Error(`lookup (${k}) found nothing`);
    if (keep) ms[k]!.push(performance.now() - t);
  };
  // The two compared ways in turn for each id, the order alternating: a pause of the machine's
  // lands on both alike. The slow path (every partition probed, ~25 ms) runs on its own
  // afterwards: between fast lookups it would leave each one starting cold. The first pass
  // warms the caches; the second is reported.
  for (let pass = 0; pass < 2; pass++) {
    for (const [i, x] of ids.entries()) {
      for (const k of i % 2 ? ["ledger", "today"] : ["today", "ledger"]) await timed(k, () => ways[k]!(x), pass === 1);
    }
    for (const x of ids) await timed("everyPartition", () => part.db.event.findFirst({ where: x, select }), pass === 1);
  }
  const lookups = Object.fromEntries(Object.entries(ms).map(([k, xs]) => [k, { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) }]));
  const ratio = (k: string) => ({ p50: round(lookups[k]!.p50 / lookups.today!.p50), p99: round(lookups[k]!.p99 / lookups.today!.p99) });
  report.lookup = {
    ms: Object.fromEntries(Object.entries(lookups).map(([k, v]) => [k, { p50: round(v.p50, 3), p99: round(v.p99, 3) }])),
    ledgerVsToday: ratio("ledger"),
    everyPartitionVsToday: ratio("everyPartition"),
  };
  console.error(`[bench] lookup: ${JSON.stringify(report.lookup)}`);

  // 4. rollups
  const full = new Map<string, number[]>();
  const incremental = new Map<string, number[]>();
  // As many repeats as the writes: an incremental run takes ~10 ms, and with 3 its ratio swung 0.91–1.24 between runs.
  for (let r = 0; r < REPEATS; r++) {
    for (const l of r % 2 ? [...layouts].reverse() : layouts) {
      await l.direct.query("TRUNCATE daily_rollups, rollup_deltas");
      let t = performance.now();
      await runBackfill(l.db, { from: new Date(D0), to: new Date(D0 + DAYS * DAY_MS), budgetMs: 600_000 });
      full.set(l.name, [...(full.get(l.name) ?? []), performance.now() - t]);
      const late = Array.from({ length: 10_000 }, (_, k) => event(`late-${r}-${k}`, D0 + ((k * 37) % DAYS) * DAY_MS + 1000, k));
      for (let i = 0; i < late.length; i += 1000) await insertEvents(l.direct, late.slice(i, i + 1000));
      t = performance.now();
      await runRollup(l.db, { kind: "scheduled", budgetMs: 600_000 });
      incremental.set(l.name, [...(incremental.get(l.name) ?? []), performance.now() - t]);
    }
  }
  // The whole range in one statement: the statement before partitioning on the layout before it
  // (the baseline), and today's statement on the partitioned layout.
  const statement = new Map<string, number[]>();
  const range = { from: new Date(D0), to: new Date(D0 + DAYS * DAY_MS) };
  for (let r = 0; r < 3; r++) {
    for (const l of r % 2 ? [...layouts].reverse() : layouts) {
      await l.direct.query("TRUNCATE daily_rollups, rollup_deltas");
      const t = performance.now();
      if (l === today)
        await today.db.$queryRawUnsafe(RECOMPUTE_SQL_BEFORE_PARTITIONING, range.from.toISOString(), range.to.toISOString(), null, null);
      else await recomputeRange(part.db, range);
      statement.set(l.name, [...(statement.get(l.name) ?? []), performance.now() - t]);
    }
  }
  const m = (x: Map<string, number[]>, k: string) => median(x.get(k)!);
  report.rollups = {
    fullMs: { today: Math.round(m(full, "today")), partitioned: Math.round(m(full, "partitioned")) },
    fullRatio: round(m(full, "partitioned") / m(full, "today")),
    fullStatementMs: { todayBeforePartitioning: Math.round(m(statement, "today")), partitioned: Math.round(m(statement, "partitioned")) },
    fullStatementRatio: round(m(statement, "partitioned") / m(statement, "today")),
    incrementalMs: { today: Math.round(m(incremental, "today")), partitioned: Math.round(m(incremental, "partitioned")) },
    incrementalRatio: round(m(incremental, "partitioned") / m(incremental, "today")),
  };
  console.log(JSON.stringify(report, null, 2));
  for (const l of layouts) {
    await l.direct.end();
    await (l.db as unknown as PrismaClient).$disconnect();
  }
} catch (err) {
  console.error("[bench] failed:", err);
  process.exitCode = 1;
} finally {
  await server.stop();
}
