/**
 * Writes events in one round trip: they travel as a single jsonb parameter,
 * unpacked by jsonb_to_recordset inside Postgres. Prisma's createMany binds
 * one parameter per column per row (Postgres caps a statement at 32,767) and
 * measured about 4× slower (bench/consumer).
 *
 * Idempotent: the first write of an event wins; a redelivered or replayed
 * copy is a duplicate and changes nothing. Each id goes into the dedupe ledger
 * (event-ledger.ts) first, and only ids the ledger had not seen are inserted;
 * ON CONFLICT (source, id, received_at) also catches a copy that kept its
 * receipt time (queue redeliveries and replays do) after the ledger forgot it.
 * For the first window after partitioning, ids are also checked against
 * events_history, which predates the ledger.
 * A batch of first deliveries is first written optimistically, every event as
 * new, with plain INSERTs: ON CONFLICT makes every row a speculative insertion
 * (a probe, the insert, its confirmation) into both partitioned tables; with
 * this and two smaller changes the write ratio rose from 0.62–0.67 to
 * 0.91–1.05 of the layout before partitioning (bench/README.md). A copy already
 * written fails it with unique_violation, and the checked statement runs in
 * its place; redeliveries go to the checked statement at once, as they are
 * often copies.
 * The same statement adds the rows it really inserted to their (day, source,
 * type) rollup deltas (count, first and last occurredAt), so a late event is
 * counted by the next rollup run however old its day, and a duplicate never
 * is; and it bumps today's stage counters (accepted = first deliveries,
 * retried = redeliveries, written, duplicates) for GET /admin/stats, and files
 * each inserted row's ingest → row lag (its receipt to this statement) in the
 * lag histogram (metrics/lag-buckets.ts). All three go to this connection's
 * shard (sql-fragments.ts): concurrent consumers never wait on each other's
 * rows. Rows and keys are taken in sorted order.
 *
 * The statement lives in a PL/pgSQL function (db/functions.ts), whose plan
 * each pooled connection caches: planning the statement sent as text cost
 * about a quarter of its time at 100 events (bench/consumer.ts). It is sent
 * with its server-side deadline in one round trip (timed-statement.ts).
 *
 * Returns how many of the events were inserted (the rest were duplicates).
 */
import type { EventMessage } from "../events/event-message.ts";
import { LAG_BOUNDS_SQL } from "../metrics/lag-buckets.ts";
import type { PgQueryable } from "./client.ts";
import { LEDGER_CHECKED, LEDGER_FRESH, LEDGER_RECEIPT_DAYS, ledgerInsert } from "./event-ledger.ts";
import { addRollupDelta, countStages, keyOrder, SHARD, utcDay } from "./sql-fragments.ts";
import { integerLiteral, jsonbLiteral, lastRows, timedQuery } from "./timed-statement.ts";

/** How many of the events are first deliveries and how many redeliveries (from the queue's attempts). */
export interface DeliveryCounts {
  firstDeliveries: number;
  redeliveries: number;
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
  // speculative insertion and the ledger's RETURNING and join: a copy the
  // ledger or events already holds fails them with unique_violation.
  const statement = (probeHistory: boolean, optimistic: boolean) => `WITH r AS (
      SELECT DISTINCT ON (${keyOrder("r")}) r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ${utcDay('r."receivedAt"')} AS received_day
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY ${keyOrder("r")}, r."receivedAt"
    ), ${
      ledger === "checked"
        ? `receipt_days AS MATERIALIZED (
      ${LEDGER_RECEIPT_DAYS}
    ), ledger AS (
      ${ledgerInsert(ledgerTable)}${
        optimistic
          ? ""
          : `
      ${LEDGER_CHECKED}
    ), fresh AS (
      ${LEDGER_FRESH}`
      }
    ), `
        : ""
    }ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r${ledger === "checked" && !optimistic ? " JOIN fresh USING (source, id)" : ""}${
        probeHistory ? "\n      WHERE NOT EXISTS (SELECT 1 FROM events_history h WHERE h.source = r.source AND h.id = r.id)" : ""
      }
      ORDER BY ${keyOrder("r")}${optimistic ? "" : "\n      ON CONFLICT (source, id, received_at) DO NOTHING"}
      RETURNING source, id, type, occurred_at, received_at
    ), deltas AS (
      INSERT INTO rollup_deltas (day, source, type, shard, count, first_occurred_at, last_occurred_at)
      SELECT ${utcDay("occurred_at")}, source, type, ${shard}, count(*), min(occurred_at), max(occurred_at)
      FROM ins GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type, shard) DO UPDATE SET ${addRollupDelta("rollup_deltas")}
    ), counted AS (
      ${countStages(
        { accepted: "first_deliveries", written: "w.n", duplicates: "jsonb_array_length(batch) - w.n", retried: "redeliveries" },
        "FROM (SELECT count(*) AS n FROM ins) w",
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
    SELECT count(*) INTO inserted FROM ins;`;
  /** The statement's form with or without the history probe, as the lifecycle row says, at this indentation. */
  const byHistory = (optimistic: boolean, indent: string) => `IF probe_history THEN
${indent}  ${statement(true, optimistic)}
${indent}ELSE
${indent}  ${statement(false, optimistic)}
${indent}END IF;`;
  return `CREATE OR REPLACE FUNCTION ${name}(batch jsonb, first_deliveries bigint, redeliveries bigint)
RETURNS bigint LANGUAGE plpgsql AS $function$
#variable_conflict use_column
DECLARE
  inserted bigint;
  probe_history boolean := EXISTS (SELECT 1 FROM event_lifecycle WHERE history_dedupe_until > clock_timestamp());
BEGIN
  IF redeliveries = 0 THEN
    BEGIN
      ${byHistory(true, "      ")}
      RETURN inserted;
    EXCEPTION WHEN unique_violation THEN
      -- A copy of an event already written: the checked statement tells it apart.
    END;
  END IF;
  ${byHistory(false, "  ")}
  RETURN inserted;
END
$function$;`;
}

/** The statement as parameters would carry it: $1 events (jsonb), $2 first deliveries, $3 redeliveries (bench/consumer.ts compares the two forms). */
export const INSERT_EVENTS_SQL = "SELECT eventline_insert_events($1::jsonb, $2::bigint, $3::bigint) AS written";

/** Hyperdrive's own limit on a statement; the consumer passes DATABASE_TIMEOUT_SECONDS, well below it. */
export const MAX_STATEMENT_MS = 60_000;

export async function insertEvents(
  sql: PgQueryable,
  events: readonly EventMessage[],
  deliveries?: DeliveryCounts,
  timeoutMs = MAX_STATEMENT_MS,
): Promise<number> {
  if (events.length === 0) return 0;
  const result = await sql.query(
    timedQuery(
      timeoutMs,
      `SELECT eventline_insert_events(${jsonbLiteral(events)}, ${integerLiteral(deliveries?.firstDeliveries ?? 0)}, ${integerLiteral(deliveries?.redeliveries ?? 0)}) AS written`,
    ),
  );
  const [r] = lastRows<{ written: string | number }>(result);
  return Number(r?.written ?? 0);
}
