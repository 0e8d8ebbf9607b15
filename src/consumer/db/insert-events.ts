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
 *   (sql/eventline_ledger_generation.sql) for at least DEDUPE_WINDOW_DAYS. For the first window
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
 * unique_violation, and the statement runs again in its checked form;
 * redeliveries go to the checked form at once, as they are often copies.
 * Both forms take the ledger's rows before the events' rows, each in key
 * order, so no two writers wait on each other in a cycle.
 *
 * The same statement adds the rows it really inserted to their (day, source,
 * type) rollup deltas (count, first and last occurredAt), so a late event is
 * counted by the next rollup run however old its day, and a duplicate never
 * is; and it bumps today's stage counters (accepted = first deliveries,
 * retried = redeliveries, written, duplicates, expired) for GET /admin/stats,
 * and files each inserted row's ingest → row lag (its receipt to this
 * statement) in the lag histogram (lib/lag-buckets.ts). All three go to
 * this connection's shard (eventline_shard): concurrent consumers never wait
 * on each other's rows.
 *
 * All of it is one PL/pgSQL function, sql/eventline_insert_events.sql (the
 * rows of a batch: sql/eventline_batch_rows.sql), whose generic plans each
 * pooled connection caches: planning the statement sent as text cost about a quarter
 * of its time at 100 events (bench/consumer.ts). It is sent with its
 * server-side deadline in one round trip (timed-statement.ts).
 */
import type { EventMessage } from "../../shared/events/event-message.ts";
import type { PgQueryable } from "./client.ts";
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
