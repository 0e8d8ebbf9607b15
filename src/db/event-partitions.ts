/**
 * The life cycle of `events` and of the dedupe ledger, as database functions:
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
 *   today, each GENERATION_WINDOWS windows long, keeps partitions for the
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
import { GENERATION_WINDOWS, LEDGER_RECEIPT_DAYS } from "./event-ledger.ts";
import { utcDay } from "./sql-fragments.ts";

/** PL/pgSQL: detaches partition `part` (an expression) from `parent` and renames it expired_<part> (replacing one a failed drop left). */
const takeOut = (parent: string, part: string) =>
  `EXECUTE format('ALTER TABLE ${parent} DETACH PARTITION %I', ${part});
      EXECUTE format('DROP TABLE IF EXISTS %I', 'expired_' || ${part});
      EXECUTE format('ALTER TABLE %I RENAME TO %I', ${part}, 'expired_' || ${part});`;

/** PL/pgSQL: the locks that make a partition's absence certain before creating it, in the writers' order. */
const LOCK_FOR_ATTACH = `LOCK TABLE ONLY event_ids IN SHARE UPDATE EXCLUSIVE MODE;
  LOCK TABLE ONLY events IN SHARE UPDATE EXCLUSIVE MODE;`;

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
  ${LOCK_FOR_ATTACH}
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

export function maintainEventsFunction(): string {
  return `CREATE OR REPLACE FUNCTION eventline_maintain_events(today date, ahead_days integer, retention_days integer, window_days integer)
RETURNS jsonb LANGUAGE plpgsql AS $function$
#variable_conflict use_variable
DECLARE
  w integer := window_days;
  lc event_lifecycle%ROWTYPE;
  cur event_id_generations%ROWTYPE;
  last_gen event_id_generations%ROWTYPE;
  next_day date;
  d date;
  part text;
  n integer;
  created integer := 0;
  dropped integer := 0;
  replanned boolean := false;
BEGIN
  PERFORM set_config('lock_timeout', '5s', true);
  -- One run at a time.
  SELECT * INTO lc FROM event_lifecycle l WHERE l.id = 1 FOR UPDATE;

  -- The ledger's current generation: the latest begun, or the first while none has.
  SELECT * INTO cur FROM event_id_generations g WHERE g.first_day <= today ORDER BY g.first_day DESC LIMIT 1;
  IF NOT FOUND THEN
    SELECT * INTO cur FROM event_id_generations g ORDER BY g.generation LIMIT 1;
  END IF;
  -- Another window: the current generation's tail takes its length, and the next generation begins
  -- no sooner than a window after tomorrow (a longer window) or no later (a shorter one); the
  -- generations after it, which hold no rows yet, are planned anew below.
  IF cur.window_days <> w THEN
    SELECT g.first_day INTO next_day FROM event_id_generations g WHERE g.generation = cur.generation + 1;
    next_day := greatest(
      CASE WHEN w > cur.window_days THEN greatest(next_day, today + 1 + w) ELSE least(next_day, today + 1 + w) END,
      cur.first_day + w);
    DELETE FROM event_id_generations g WHERE g.generation > cur.generation + 1;
    INSERT INTO event_id_generations AS g (generation, first_day, window_days) VALUES (cur.generation + 1, next_day, w)
    ON CONFLICT (generation) DO UPDATE SET first_day = EXCLUDED.first_day, window_days = EXCLUDED.window_days;
    UPDATE event_id_generations g SET window_days = w WHERE g.generation = cur.generation;
    replanned := true;
  END IF;
  -- Two generations planned beyond today's.
  WHILE (SELECT count(*) FROM event_id_generations g WHERE g.first_day > today) < 2 LOOP
    SELECT * INTO last_gen FROM event_id_generations g ORDER BY g.generation DESC LIMIT 1;
    INSERT INTO event_id_generations (generation, first_day, window_days)
    VALUES (last_gen.generation + 1, greatest(last_gen.first_day + ${GENERATION_WINDOWS} * last_gen.window_days, today + 1), w);
  END LOOP;
  -- Planning changed no generation that has begun, so the current one is still cur.
  -- Generations before the current one: no copy received from now on writes to them.
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'event_ids'::regclass AND eventline_partition_generation(c.relname) < cur.generation
    ORDER BY 1
  LOOP
    ${takeOut("event_ids", "part")}
    dropped := dropped + 1;
  END LOOP;
  DELETE FROM event_id_generations g WHERE g.generation < cur.generation;

  -- Retention: whole partitions older than the horizon go.
  IF retention_days IS NOT NULL THEN
    FOR part IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass AND eventline_partition_day(c.relname) < today - retention_days
      ORDER BY 1
    LOOP
      ${takeOut("events", "part")}
      dropped := dropped + 1;
      lc.expired_before := greatest(lc.expired_before, ((eventline_partition_day(part) + 1)::timestamp AT TIME ZONE 'UTC'));
    END LOOP;
    IF lc.history_before <= ((today - retention_days)::timestamp AT TIME ZONE 'UTC') AND to_regclass('events_history') IS NOT NULL THEN
      ${takeOut("events", "'events_history'")}
      dropped := dropped + 1;
      lc.expired_before := greatest(lc.expired_before, lc.history_before);
      lc.history_dedupe_until := NULL;
    END IF;
  END IF;
  -- A resend of an event from before partitioning is checked against the history for a window after it.
  IF lc.history_dedupe_until IS NOT NULL THEN
    lc.history_dedupe_until := lc.history_before + make_interval(days => w);
  END IF;

  -- Partitions ahead: the ledger's current generation and the two after it, today's day and the days ahead
  -- (never a day retention took out, nor one the history holds).
  ${LOCK_FOR_ATTACH}
  FOR n IN SELECT generate_series(cur.generation, cur.generation + 2) LOOP
    created := created + eventline_add_generation_partition(n)::integer;
  END LOOP;
  FOR d IN SELECT generate_series(today, today + ahead_days, interval '1 day')::date LOOP
    CONTINUE WHEN (d::timestamp AT TIME ZONE 'UTC') < greatest(lc.expired_before, lc.history_before);
    created := created + eventline_add_day_partition(d)::integer;
  END LOOP;

  UPDATE event_lifecycle l SET expired_before = lc.expired_before, history_dedupe_until = lc.history_dedupe_until, maintained_at = now()
  WHERE l.id = 1;
  RETURN jsonb_build_object('created', created, 'dropped', dropped, 'generation', cur.generation, 'replanned', replanned);
END
$function$;`;
}
