-- The cron's run over the events' life cycle (db/event-partitions.ts says
-- what and why; docs/design.md proves the ledger's planning), in one
-- transaction, one run at a time (the lifecycle row's lock):
-- 1. the dedupe ledger: a window of another length replans the generations
--    after the current one; two generations are planned beyond today's, each
--    two windows long (a generation's length is the reason a copy meets its
--    id: eventline_ledger_generation.sql); generations before the current one are taken out;
-- 2. retention: whole day partitions older than `retention_days`, and the
--    history once its bound is, are taken out, and expired_before moves;
-- 3. partitions ahead: the ledger's current generation and the two after it,
--    today and `ahead_days` after (never a day retention took out).
-- Taken out means detached and renamed expired_<name>; the drop step
-- (eventline_drop_expired_table) unlinks them later, one per transaction.
-- Each lock is waited for at most 5 s: a run that times out changes nothing.
CREATE OR REPLACE FUNCTION eventline_maintain_events(today date, ahead_days integer, retention_days integer, window_days integer)
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
    VALUES (last_gen.generation + 1, greatest(last_gen.first_day + 2 * last_gen.window_days, today + 1), w);
  END LOOP;
  -- Planning changed no generation that has begun, so the current one is still cur.
  -- Generations before the current one: no copy received from now on writes to them.
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'event_ids'::regclass AND eventline_partition_generation(c.relname) < cur.generation
    ORDER BY 1
  LOOP
    PERFORM eventline_take_out('event_ids', part);
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
      PERFORM eventline_take_out('events', part);
      dropped := dropped + 1;
      lc.expired_before := greatest(lc.expired_before, ((eventline_partition_day(part) + 1)::timestamp AT TIME ZONE 'UTC'));
    END LOOP;
    IF lc.history_before <= ((today - retention_days)::timestamp AT TIME ZONE 'UTC') AND to_regclass('events_history') IS NOT NULL THEN
      PERFORM eventline_take_out('events', 'events_history');
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
  PERFORM eventline_lock_partitioned();
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
$function$;
