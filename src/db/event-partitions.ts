/**
 * The life cycle of `events` and of the dedupe ledger, as one database
 * function the cron calls (maintain-events.ts):
 *
 * - `events` is range-partitioned by receipt day (events_pYYYYMMDD), plus
 *   events_history (the table as it was before partitioning: everything
 *   received before event_lifecycle.history_before) and events_default, which
 *   catches a row whose day has no partition yet, so that no write ever fails
 *   for want of one. Receipt time, not occurrence time: a late event lands in
 *   today's partition, so old partitions stop changing and can be dropped.
 * - The run moves any rows events_default caught into their day's partition
 *   (creating it), and creates the partitions of today and `ahead_days` after.
 * - With a retention, it takes out every partition whose whole day is older
 *   than `retention_days` (events_history too, once its bound is) and records
 *   the newest bound taken out in event_lifecycle.expired_before. No row is
 *   read, nothing is left to vacuum.
 * - The ledger (event-ledger.ts): plans generations so that two lie ahead of
 *   today, each GENERATION_WINDOWS windows long (the window it was planned
 *   with, `window_days`, is its tail's length), keeps partitions for the current generation and
 *   the two after it, and takes out older ones.
 * - A partition is taken out in two steps. This function detaches it and
 *   renames it expired_<name>: a catalog change, the only moment `events` (or
 *   the ledger) is locked. The cron then drops each expired table in a
 *   transaction of its own (eventline_drop_expired_table), which locks nothing
 *   a writer uses: unlinking a partition's files is the filesystem's work,
 *   which grows with their size (bench/lifecycle.ts times it), and dropping
 *   it attached would hold the parent that long.
 *
 * Each DDL statement waits at most 5 s for its lock (a consumer's statement
 * holds the parent table only for its own few milliseconds); a run that times
 * out changes nothing and the next cron run tries again.
 */
import { GENERATION_WINDOWS } from "./event-ledger.ts";
import { utcDay } from "./sql-fragments.ts";

/** The partition of a UTC day: events_pYYYYMMDD. */
export const EVENT_PARTITION_PATTERN = "^events_p[0-9]{8}$";
/** The UTC day a partition's name (SQL text of type name or text) stands for. */
export const partitionDay = (name: string) => `to_date(substr(${name}, 9), 'YYYYMMDD')`;

/** The partition of a dedupe ledger generation: event_ids_gN. */
const LEDGER_PARTITION_PATTERN = "^event_ids_g[0-9]+$";

/** A whole-name pattern's body, to be combined with others. */
const body = (pattern: string) => pattern.slice(1, -1);

/** The tables a run took out, awaiting their drop: expired_ and the name of a partition it takes out. */
export const EXPIRED_TABLE_PATTERN = `^expired_(${body(EVENT_PARTITION_PATTERN)}|events_history|${body(LEDGER_PARTITION_PATTERN)})$`;

/** PL/pgSQL: detaches partition `part` (an expression) from `parent` and renames it expired_<part> (replacing one a failed drop left). */
const takeOut = (parent: string, part: string) =>
  `EXECUTE format('ALTER TABLE ${parent} DETACH PARTITION %I', ${part});
      EXECUTE format('DROP TABLE IF EXISTS %I', 'expired_' || ${part});
      EXECUTE format('ALTER TABLE %I RENAME TO %I', ${part}, 'expired_' || ${part});`;

export function maintainEventsFunction(): string {
  return `CREATE OR REPLACE FUNCTION eventline_maintain_events(today date, ahead_days integer, retention_days integer, window_days integer)
RETURNS jsonb LANGUAGE plpgsql AS $function$
DECLARE
  lc event_lifecycle%ROWTYPE;
  horizon timestamptz;
  d date;
  lo timestamptz;
  part text;
  cur integer;
  last_gen record;
  n bigint;
  created integer := 0;
  dropped integer := 0;
  moved bigint := 0;
  expired bigint := 0;
BEGIN
  PERFORM set_config('lock_timeout', '5s', true);
  -- One run at a time.
  SELECT * INTO lc FROM event_lifecycle WHERE id = 1 FOR UPDATE;

  -- Retention: whole partitions older than the horizon go.
  IF retention_days IS NOT NULL THEN
    horizon := ((today - retention_days)::timestamp AT TIME ZONE 'UTC');
    FOR part IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass AND c.relname ~ '${EVENT_PARTITION_PATTERN}'
        AND ${partitionDay("c.relname")} < today - retention_days
      ORDER BY 1
    LOOP
      ${takeOut("events", "part")}
      dropped := dropped + 1;
      lc.expired_before := greatest(lc.expired_before, ((${partitionDay("part")} + 1)::timestamp AT TIME ZONE 'UTC'));
    END LOOP;
    IF lc.history_before <= horizon AND to_regclass('events_history') IS NOT NULL THEN
      ${takeOut("events", "'events_history'")}
      dropped := dropped + 1;
      lc.expired_before := greatest(lc.expired_before, lc.history_before);
      lc.history_dedupe_until := NULL;
    END IF;
    -- Rows the default partition caught for days already past the horizon.
    DELETE FROM events_default WHERE received_at < horizon;
    GET DIAGNOSTICS n = ROW_COUNT;
    expired := expired + n;
    IF n > 0 THEN
      lc.expired_before := greatest(lc.expired_before, horizon);
    END IF;
  END IF;

  -- Day partitions: every day the default partition caught, today and the days ahead.
  FOR d IN
    SELECT DISTINCT ${utcDay("received_at")} FROM events_default
    UNION
    SELECT generate_series(today, today + ahead_days, interval '1 day')::date
    ORDER BY 1
  LOOP
    part := 'events_p' || to_char(d, 'YYYYMMDD');
    lo := (d::timestamp AT TIME ZONE 'UTC');
    CONTINUE WHEN lo < lc.history_before OR to_regclass(part) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS)', part);
    EXECUTE format('WITH m AS (DELETE FROM events_default WHERE received_at >= %L AND received_at < %L RETURNING *) INSERT INTO %I SELECT * FROM m',
      lo, lo + interval '1 day', part);
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved + n;
    EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, lo + interval '1 day');
    created := created + 1;
  END LOOP;

  -- Ledger generations: two planned beyond today's.
  WHILE (SELECT count(*) FROM event_id_generations WHERE first_day > today) < 2 LOOP
    SELECT generation, first_day, g.window_days INTO last_gen FROM event_id_generations g ORDER BY generation DESC LIMIT 1;
    INSERT INTO event_id_generations (generation, first_day, window_days)
    VALUES (last_gen.generation + 1, greatest(last_gen.first_day + ${GENERATION_WINDOWS} * last_gen.window_days, today + 1), window_days);
  END LOOP;
  SELECT max(generation) INTO cur FROM event_id_generations WHERE first_day <= today;
  cur := coalesce(cur, (SELECT min(generation) FROM event_id_generations));
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'event_ids'::regclass AND c.relname ~ '${LEDGER_PARTITION_PATTERN}' AND substr(c.relname, 12)::integer < cur
  LOOP
    ${takeOut("event_ids", "part")}
    dropped := dropped + 1;
  END LOOP;
  DELETE FROM event_id_generations WHERE generation < cur;
  DELETE FROM event_ids_default WHERE generation < cur;
  FOR n IN
    SELECT DISTINCT generation FROM event_ids_default
    UNION
    SELECT generate_series(cur, cur + 2)
    ORDER BY 1
  LOOP
    part := 'event_ids_g' || n;
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I (LIKE event_ids INCLUDING DEFAULTS)', part);
    EXECUTE format('WITH m AS (DELETE FROM event_ids_default WHERE generation = %s RETURNING *) INSERT INTO %I SELECT * FROM m', n, part);
    EXECUTE format('ALTER TABLE event_ids ATTACH PARTITION %I FOR VALUES IN (%s)', part, n);
    created := created + 1;
  END LOOP;

  UPDATE event_lifecycle SET expired_before = lc.expired_before, history_dedupe_until = lc.history_dedupe_until, maintained_at = now()
  WHERE id = 1;
  RETURN jsonb_build_object('created', created, 'dropped', dropped, 'moved', moved, 'expired', expired, 'generation', cur);
END
$function$;`;
}

/**
 * Drops one table a maintenance run took out (the first by name) and answers
 * its name, or NULL when none is left: called once per transaction, so each
 * drop's unlinking holds nothing but the expired table itself.
 */
export function dropExpiredTableFunction(): string {
  return `CREATE OR REPLACE FUNCTION eventline_drop_expired_table()
RETURNS text LANGUAGE plpgsql AS $function$
DECLARE
  t text;
BEGIN
  PERFORM set_config('lock_timeout', '5s', true);
  SELECT tablename INTO t FROM pg_tables
  WHERE schemaname = current_schema() AND tablename ~ '${EXPIRED_TABLE_PATTERN}'
  ORDER BY 1 LIMIT 1;
  IF t IS NOT NULL THEN
    EXECUTE format('DROP TABLE IF EXISTS %I', t);
  END IF;
  RETURN t;
END
$function$;`;
}
