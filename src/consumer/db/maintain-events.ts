/**
 * One run of the events' life cycle: partitions ahead, retention, the
 * ledger's generations. The life cycle of `events` and of the dedupe ledger
 * is database functions (src/consumer/db/sql/: eventline_maintain_events, the cron's
 * run; eventline_add_partitions_for, the insert's; the partitions' creation,
 * naming, taking out and drop):
 *
 * - `events` is range-partitioned by receipt day (events_pYYYYMMDD), plus
 *   events_history (the table as it was before partitioning: everything
 *   received before event_lifecycle.history_before). Receipt time, not
 *   occurrence time: a late event lands in today's partition, so old
 *   partitions stop changing and can be dropped.
 * - There is no default partition. The cron creates the partitions of today
 *   and `ahead_days` after; a write whose receipt day (or ledger generation)
 *   has none all the same — a cron days or weeks late, a backlog from a day
 *   never planned — creates it itself (eventline_add_partitions_for, called
 *   by the insert function when Postgres finds no partition for a row) and
 *   writes again. So no row ever waits anywhere a later run would have to
 *   move it from, and no run ever has rows to move.
 * - With a retention, the cron takes out every partition whose whole day is
 *   older than `retention_days` (events_history too, once its bound is) and
 *   records the newest bound taken out in event_lifecycle.expired_before. No
 *   row is read, nothing is left to vacuum. A day before expired_before is
 *   never created again: writers set aside copies for it (insert-events.ts).
 * - The ledger (sql/eventline_ledger_generation.sql): plans generations so that two lie ahead of
 *   today, each two windows long, keeps partitions for the
 *   current generation and the two after it, and takes out older ones. When
 *   DEDUPE_WINDOW_DAYS differs from the current generation's window, the run
 *   plans anew from tomorrow on: the current generation's tail becomes the new
 *   window's length, ending no sooner than a window after tomorrow
 *   (docs/design.md proves both directions).
 * - A partition is taken out in two steps. The run detaches it and renames it
 *   expired_<name>: a catalog change, the only moment `events` (or the ledger)
 *   is locked against writers. The cron then drops each expired table in a
 *   transaction of its own (eventline_drop_expired_table), which locks nothing
 *   a writer uses: unlinking a partition's files is the filesystem's work,
 *   which grows with their size (bench/lifecycle.ts times it).
 *
 * Lock order: writers take the ledger before `events` (their statement writes
 * it first), and so does every function here; each waits at most 5 s for a
 * lock (a writer holds one for its own few milliseconds), and a run that times
 * out changes nothing: the next cron run tries again.
 */
import type { EventLifecycleConfig } from "../consumer-env.ts";
import type { RawSql } from "./client.ts";
import { utcDayText } from "./timestamptz-text.ts";

export interface MaintenanceReport {
  /** Partitions created (events days and ledger generations). */
  created: number;
  /** Partitions taken out (expired days, ended generations), awaiting dropExpiredTables. */
  dropped: number;
  /** The ledger's current generation. */
  generation: number;
  /** Whether DEDUPE_WINDOW_DAYS differed from the current generation's window, and the generations ahead were planned anew. */
  replanned: boolean;
}

/** $1 today (a UTC date), $2 days ahead, $3 retention days (null: keep), $4 dedupe window days. */
const SQL = "SELECT eventline_maintain_events($1::date, $2::int, $3::int, $4::int) AS report";

export async function maintainEvents(db: RawSql, today: Date, c: EventLifecycleConfig): Promise<MaintenanceReport> {
  // The function answers jsonb, whose numbers arrive as numbers.
  const [row] = await db.$queryRawUnsafe<{ report: MaintenanceReport }[]>(
    SQL,
    utcDayText(today),
    c.partitionsAheadDays,
    c.retentionDays,
    c.dedupeWindowDays,
  );
  return row!.report;
}
