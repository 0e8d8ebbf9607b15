/**
 * The life cycle of `events` and of the dedupe ledger, as database functions
 * (src/db/sql/: eventline_maintain_events, the cron's run; the partitions'
 * creation, naming, taking out and drop). This module builds the one that
 * still shares the ledger's CTEs with the insert, eventline_add_partitions_for.
 *
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
 * - The ledger (event-ledger.ts): plans generations so that two lie ahead of
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
import { LEDGER_RECEIPT_DAYS } from "./event-ledger.ts";
import { utcDay } from "./sql-fragments.ts";

/**
 * The partitions a batch of events (the insert function's jsonb) writes to and
 * lacks: each receipt day on or after retention's horizon and the history's end,
 * and each ledger generation they write that is still kept. Answers how many it
 * created; none when another writer created them first.
 */
export function addPartitionsForFunction(): string {
  return `CREATE OR REPLACE FUNCTION eventline_add_partitions_for(batch jsonb)
RETURNS integer LANGUAGE plpgsql AS $function$
DECLARE
  lc event_lifecycle%ROWTYPE;
  d date;
  n integer;
  created integer := 0;
BEGIN
  PERFORM eventline_lock_partitioned();
  SELECT * INTO lc FROM event_lifecycle WHERE id = 1;
  FOR d IN
    SELECT DISTINCT ${utcDay('r."receivedAt"')} FROM jsonb_to_recordset(batch) AS r("receivedAt" timestamptz)
    WHERE r."receivedAt" >= greatest(lc.expired_before, lc.history_before)
  LOOP
    created := created + eventline_add_day_partition(d)::integer;
  END LOOP;
  FOR n IN
    WITH r AS (
      SELECT DISTINCT ${utcDay('r."receivedAt"')} AS received_day, r."receivedAt" < coalesce(lc.expired_before, '-infinity') AS expired
      FROM jsonb_to_recordset(batch) AS r("receivedAt" timestamptz)
    ), receipt_days AS (
      ${LEDGER_RECEIPT_DAYS}
    )
    SELECT DISTINCT g.generation + k.k FROM receipt_days g CROSS JOIN (VALUES (0), (1)) AS k(k) WHERE k.k = 0 OR g.tail
  LOOP
    CONTINUE WHEN n < (SELECT min(generation) FROM event_id_generations);
    created := created + eventline_add_generation_partition(n)::integer;
  END LOOP;
  RETURN created;
END
$function$;`;
}
