/**
 * Writes events in one round trip: they travel as a single jsonb parameter,
 * unpacked by jsonb_to_recordset inside Postgres. Prisma's createMany binds
 * one parameter per column per row (Postgres caps a statement at 32,767) and
 * measured about 4× slower (bench/consumer).
 *
 * Idempotent, with one rule per kind of copy (docs/design.md):
 * - A copy that keeps its receipt time (a queue redelivery, a backlog, a
 *   dead-letter replay) meets its original through the key of `events`,
 *   (source, id, received_at), for as long as its receipt day is kept,
 *   whatever the ledger still remembers.
 * - A copy whose receipt day is past retention (before
 *   event_lifecycle.expired_before) is never stored and never counted: its
 *   original's partition is gone, so nothing could tell it apart. The
 *   statement answers how many such copies it set aside (`expired`).
 * - A client's resend (a new receipt) meets its id in the dedupe ledger
 *   (event-ledger.ts) for at least DEDUPE_WINDOW_DAYS. For the first window
 *   after partitioning, ids are also checked against events_history, which
 *   predates the ledger.
 *
 * No row ever waits in a default partition: when a row's receipt day or
 * ledger generation has no partition yet (a cron that is late, a backlog
 * from a day never planned), Postgres refuses the statement, the function
 * creates what is missing (eventline_add_partitions_for)
 * and runs it again. A day before expired_before is never created again.
 *
 * A batch of first deliveries is first written optimistically, every event as
 * new, with plain INSERTs: ON CONFLICT makes every row a speculative insertion
 * (a probe, the insert, its confirmation) into both partitioned tables
 * (bench/README.md measures the gain). A copy already written fails it with
 * unique_violation, and the checked statement runs in its place;
 * redeliveries go to the checked statement at once, as they are often copies.
 * Both forms take the ledger's rows before the events' rows, each in key
 * order, so no two writers wait on each other in a cycle (the optimistic form
 * reads the ledger's RETURNING before it inserts events: a data-modifying CTE
 * nobody reads runs last).
 *
 * The same statement adds the rows it really inserted to their (day, source,
 * type) rollup deltas (count, first and last occurredAt), so a late event is
 * counted by the next rollup run however old its day, and a duplicate never
 * is; and it bumps today's stage counters (accepted = first deliveries,
 * retried = redeliveries, written, duplicates, expired) for GET /admin/stats,
 * and files each inserted row's ingest → row lag (its receipt to this
 * statement) in the lag histogram (metrics/lag-buckets.ts). All three go to
 * this connection's shard (sql-fragments.ts): concurrent consumers never wait
 * on each other's rows.
 *
 * The statement lives in a PL/pgSQL function (db/functions.ts), whose plan
 * each pooled connection caches: planning the statement sent as text cost
 * about a quarter of its time at 100 events (bench/consumer.ts). It is sent
 * with its server-side deadline in one round trip (timed-statement.ts).
 */
import type { EventMessage } from "../events/event-message.ts";
import { LAG_BOUNDS_SQL } from "../lib/lag-buckets.ts";
import type { PgQueryable } from "./client.ts";
import { LEDGER_CHECKED, LEDGER_FRESH, LEDGER_RECEIPT_DAYS, ledgerInsert } from "./event-ledger.ts";
import { addRollupDelta, countStages, keyOrder, SHARD, utcDay } from "./sql-fragments.ts";
import { integerLiteral, jsonbLiteral, lastRows, timedQuery } from "./timed-statement.ts";

/** How many of the events are first deliveries and how many redeliveries (from the queue's attempts). */
export interface DeliveryCounts {
  firstDeliveries: number;
  redeliveries: number;
}

/** What one statement did with its events. */
export interface InsertReport {
  /** New rows; the rest were duplicates or expired. */
  written: number;
  /** Copies whose receipt day is past retention (received before `expiredBefore`): neither stored nor counted. */
  expired: number;
  /** Retention's horizon as the statement saw it: events received before it were dropped. Null: none were. */
  expiredBefore: Date | null;
}

/**
 * The function's definition. The options exist for the benchmarks' comparisons
 * only: other names and shards for bench/consumer.ts's unsharded design, and
 * `ledger: "none"` and `ledgerTable` for bench/lifecycle.ts's measures of what
 * the ledger costs and what its partitions do.
 */
export function insertEventsFunction({
  name = "eventline_insert_events",
  shard = SHARD,
  ledger = "checked" as "checked" | "none",
  ledgerTable = "event_ids",
} = {}): string {
  // Two forms of one statement: PL/pgSQL plans a statement when it first runs, so
  // the form naming events_history is never planned once the probe has ended (or
  // the table is gone), and neither form names the partitioned parent in a
  // subquery, which would lock and plan every partition on every call.
  // Optimistic forms insert every row as new, without ON CONFLICT's per-row
  // speculative insertion and the ledger's join: a copy the ledger or events
  // already holds fails them with unique_violation.
  const withLedger = ledger === "checked";
  const statement = (probeHistory: boolean, optimistic: boolean) => `WITH r AS (
      SELECT DISTINCT ON (${keyOrder("r")}) r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ${utcDay('r."receivedAt"')} AS received_day, r."receivedAt" < horizon AS expired
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY ${keyOrder("r")}, r."receivedAt"
    ), ${
      withLedger
        ? `receipt_days AS MATERIALIZED (
      ${LEDGER_RECEIPT_DAYS}
    ), ledger AS (
      ${ledgerInsert(ledgerTable)}
      ${optimistic ? "RETURNING 1" : LEDGER_CHECKED}
    ), ${optimistic ? "" : `fresh AS (\n      ${LEDGER_FRESH}\n    ), `}`
        : ""
    }ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r${withLedger ? (optimistic ? " CROSS JOIN (SELECT count(*) FROM ledger) AS ledger_first" : " JOIN fresh USING (source, id)") : ""}
      WHERE NOT r.expired${probeHistory ? " AND NOT EXISTS (SELECT 1 FROM events_history h WHERE h.source = r.source AND h.id = r.id)" : ""}
      ORDER BY ${keyOrder("r")}${optimistic ? "" : "\n      ON CONFLICT (source, id, received_at) DO NOTHING"}
      RETURNING source, id, type, occurred_at, received_at
    ), deltas AS (
      INSERT INTO rollup_deltas (day, source, type, shard, count, first_occurred_at, last_occurred_at)
      SELECT ${utcDay("occurred_at")}, source, type, ${shard}, count(*), min(occurred_at), max(occurred_at)
      FROM ins GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type, shard) DO UPDATE SET ${addRollupDelta("rollup_deltas")}
    ), tally AS (
      SELECT (SELECT count(*) FROM ins) AS written, (SELECT count(*) FROM r WHERE r.expired) AS expired
    ), counted AS (
      ${countStages(
        {
          accepted: "first_deliveries",
          written: "t.written",
          duplicates: "jsonb_array_length(batch) - t.written - t.expired",
          retried: "redeliveries",
          expired: "t.expired",
        },
        "FROM tally t",
        shard,
      )}
    ), lag AS (
      INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
      SELECT date_trunc('hour', now()), ${shard}, width_bucket(l.seconds, ${LAG_BOUNDS_SQL}), count(*), sum(l.seconds)
      FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - received_at)::double precision) AS seconds FROM ins) l
      GROUP BY 3
      ORDER BY 3
      ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds
    )
    SELECT t.written, t.expired INTO written, expired FROM tally t;`;
  /** The statement's form with or without the history probe, as the lifecycle row says, at this indentation. */
  const byHistory = (optimistic: boolean, indent: string) => `IF probe_history THEN
${indent}  ${statement(true, optimistic)}
${indent}ELSE
${indent}  ${statement(false, optimistic)}
${indent}END IF;`;
  return `CREATE OR REPLACE FUNCTION ${name}(batch jsonb, first_deliveries bigint, redeliveries bigint,
  OUT written bigint, OUT expired bigint, OUT expired_before timestamptz)
LANGUAGE plpgsql AS $function$
#variable_conflict use_column
DECLARE
  probe_history boolean;
  horizon timestamptz;
  optimistic boolean := redeliveries = 0;
  attempt integer := 0;
  message text;
BEGIN
  LOOP
    SELECT l.history_dedupe_until > clock_timestamp(), l.expired_before INTO probe_history, expired_before FROM event_lifecycle l WHERE l.id = 1;
    horizon := coalesce(expired_before, '-infinity');
    attempt := attempt + 1;
    BEGIN
      IF optimistic THEN
        ${byHistory(true, "        ")}
      ELSE
        ${byHistory(false, "        ")}
      END IF;
      RETURN;
    EXCEPTION
      WHEN unique_violation THEN
        -- A copy of an event already written: the checked statement tells it apart.
        IF NOT optimistic THEN
          RAISE;
        END IF;
        optimistic := false;
      WHEN check_violation THEN
        GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
        IF message NOT LIKE 'no partition of relation %' THEN
          RAISE;
        END IF;
        -- A receipt day or a ledger generation without its partition yet: create it (or, for a day
        -- retention took out meanwhile, read the new horizon) and write again.
        IF attempt >= 3 THEN
          RAISE EXCEPTION 'events: % after % attempts', message, attempt USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        PERFORM eventline_add_partitions_for(batch);
    END;
  END LOOP;
END
$function$;`;
}

/** The statement as parameters would carry it: $1 events (jsonb), $2 first deliveries, $3 redeliveries (bench/consumer.ts compares the two forms). */
export const INSERT_EVENTS_SQL = "SELECT * FROM eventline_insert_events($1::jsonb, $2::bigint, $3::bigint)";

/** Hyperdrive's own limit on a statement; the consumer passes DATABASE_TIMEOUT_SECONDS, well below it. */
export const MAX_STATEMENT_MS = 60_000;

export async function insertEvents(
  sql: PgQueryable,
  events: readonly EventMessage[],
  deliveries?: DeliveryCounts,
  timeoutMs = MAX_STATEMENT_MS,
): Promise<InsertReport> {
  if (events.length === 0) return { written: 0, expired: 0, expiredBefore: null };
  const result = await sql.query(
    timedQuery(
      timeoutMs,
      `SELECT * FROM eventline_insert_events(${jsonbLiteral(events)}, ${integerLiteral(deliveries?.firstDeliveries ?? 0)}, ${integerLiteral(deliveries?.redeliveries ?? 0)})`,
    ),
  );
  const [r] = lastRows<{ written: string | number; expired: string | number; expired_before: Date | null }>(result);
  return { written: Number(r?.written ?? 0), expired: Number(r?.expired ?? 0), expiredBefore: r?.expired_before ?? null };
}
