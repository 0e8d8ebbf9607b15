-- eventline function: eventline_ledger_generation
-- The dedupe ledger (event_ids): why a copy of an event is recognised for at
-- least DEDUPE_WINDOW_DAYS, whatever partition its original is in.
--
-- `events` is partitioned by receipt day, and a unique index on a partitioned
-- table must contain the partition key: it can only say that (source, id,
-- received_at) is unique. A client's retry is a new receipt, so it needs
-- another check. The ledger is a narrow table LIST-partitioned by generation:
-- a run of days (event_id_generations) the cron plans two
-- windows long. Every id is written, in the statement that writes the event,
-- into the generation of its receipt day, and, when that day is in the
-- generation's last window (its tail), into the next generation too.
--
-- Two copies received at most a window apart are in the same generation, or
-- the earlier is in the tail of the generation before the later's: either way
-- both write one common generation, whose unique index lets only one of them
-- in, whichever comes first and even when they are written at the same moment.
-- They cannot be two generations apart: a generation is longer than a window.
-- The cron drops a generation's partition when the generation after it
-- begins: no copy received from then on writes to it.
--
-- A copy is new when every row it wrote was new. A copy that meets its id in
-- one generation only is a duplicate, and its other row stays: the id is
-- remembered from its latest copy. With generations two windows long, a copy
-- writes 1.5 rows on average instead of 2, and the ledger holds about three
-- windows of ids (bench/lifecycle.ts measures the ledger's cost). A batch of
-- first deliveries is first written optimistically, every row inserted as new:
-- one copy fails that statement, and the checked form runs instead
-- (eventline_insert_events).
--
-- The dedupe ledger's generation an id received on `day` is written into,
-- and whether `day` is in that generation's tail (its last window), where
-- the id goes into the next generation too.
-- Days before the oldest kept generation count as its tail; so do days of
-- the last planned generation, whose end is not known yet.
CREATE OR REPLACE FUNCTION eventline_ledger_generation(day date)
RETURNS TABLE (generation integer, tail boolean) LANGUAGE sql STABLE AS $function$
  SELECT g.generation, g.first_day > day OR n.first_day IS NULL OR day >= n.first_day - g.window_days
  FROM (
    SELECT c.generation, c.first_day, c.window_days FROM event_id_generations c
    ORDER BY c.first_day <= day DESC, CASE WHEN c.first_day <= day THEN c.first_day END DESC, c.first_day
    LIMIT 1
  ) g
  LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
$function$;
-- end eventline function

-- eventline function: eventline_batch_rows
-- The rows a batch of event messages (a jsonb array, as the consumer sends
-- it) writes: one event per key (source, id), its earliest receipt, so a key
-- sent twice in one batch is written once. Each row says
-- - whether it is past retention (received before `horizon`): such a copy is
--   never stored, never counted, and writes no ledger row;
-- - whether it is among the known keys (ids events_history holds);
-- - the ledger generation its receipt day writes and how many ledger rows it
--   writes: 2 when the day is in the generation's tail (the next generation
--   too), else 1. They come from `days`, `generations` and `ledger_rows`, the
--   batch's receipt days looked up once each (eventline_insert_events).
CREATE OR REPLACE FUNCTION eventline_batch_rows(batch jsonb, horizon timestamptz, known_sources text[], known_ids text[],
  days date[], generations integer[], ledger_rows integer[])
RETURNS TABLE (
  source text, id text, type text, occurred_at timestamptz, received_at timestamptz, payload jsonb, attributes jsonb,
  expired boolean, known boolean, generation integer, ledger_rows integer
) LANGUAGE sql STABLE AS $function$
  SELECT r.source, r.id, r.type, r."occurredAt", r."receivedAt", r.payload, r.attributes,
    r."receivedAt" < horizon,
    (r.source, r.id) IN (SELECT k.source, k.id FROM unnest(known_sources, known_ids) AS k(source, id)),
    generations[r.day], ledger_rows[r.day]
  FROM (
    SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.*,
      CASE WHEN r."receivedAt" >= horizon THEN array_position(days, (r."receivedAt" AT TIME ZONE 'UTC')::date) END AS day
    FROM jsonb_to_recordset(batch) AS r(
      source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
    )
    ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
  ) r
$function$;
-- end eventline function

-- eventline function: eventline_shard
-- The shard of a hot row (a rollup delta, a stage counter, a lag bucket) a
-- statement writes: its connection's backend. A connection runs one statement
-- at a time, so two statements never wait on each other's row, however many
-- consumers write the same key at once; readers sum the shards.
CREATE OR REPLACE FUNCTION eventline_shard() RETURNS integer
LANGUAGE sql STABLE PARALLEL RESTRICTED AS $function$
  SELECT pg_backend_pid()
$function$;
-- end eventline function

-- eventline function: eventline_count_stages
-- Adds to today's stage counters (GET /admin/stats), in this connection's
-- shard: each statement that does a stage's work counts it, named by argument
-- (eventline_count_stages(replayed => n)); the stages it leaves out add 0.
-- PL/pgSQL, not SQL: its statement's plan is cached for the connection.
CREATE OR REPLACE FUNCTION eventline_count_stages(
  accepted bigint DEFAULT 0, written bigint DEFAULT 0, duplicates bigint DEFAULT 0, expired bigint DEFAULT 0,
  retried bigint DEFAULT 0, dead_lettered bigint DEFAULT 0, replayed bigint DEFAULT 0
) RETURNS void LANGUAGE plpgsql AS $function$
BEGIN
  INSERT INTO stage_counters AS c (day, shard, accepted, written, duplicates, expired, retried, dead_lettered, replayed)
  VALUES ((now() AT TIME ZONE 'UTC')::date, eventline_shard(), accepted, written, duplicates, expired, retried, dead_lettered, replayed)
  ON CONFLICT (day, shard) DO UPDATE SET
    accepted = c.accepted + EXCLUDED.accepted,
    written = c.written + EXCLUDED.written,
    duplicates = c.duplicates + EXCLUDED.duplicates,
    expired = c.expired + EXCLUDED.expired,
    retried = c.retried + EXCLUDED.retried,
    dead_lettered = c.dead_lettered + EXCLUDED.dead_lettered,
    replayed = c.replayed + EXCLUDED.replayed;
END
$function$;
-- end eventline function

-- eventline function: eventline_lag_bucket
-- The ingest → row lag histogram's bucket of a lag in seconds: 0 below the
-- first bound, 12 from the last on. The bounds are LAG_BUCKET_BOUNDS_SECONDS
-- (src/shared/lib/lag-buckets.ts), by which GET /metrics names the buckets;
-- test/db/functions.test.ts proves the two lists equal.
CREATE OR REPLACE FUNCTION eventline_lag_bucket(seconds double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT width_bucket(seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[])
$function$;
-- end eventline function

-- eventline function: eventline_insert_events
-- Writes a batch of events (a jsonb array of event messages) idempotently and
-- answers how many it wrote, how many copies it set aside as past retention,
-- and retention's horizon as it saw it. The rules it keeps are explained in
-- src/consumer/db/insert-events.ts and eventline_ledger_generation.sql.
CREATE OR REPLACE FUNCTION eventline_insert_events(batch jsonb, first_deliveries bigint, redeliveries bigint,
  OUT written bigint, OUT expired bigint, OUT expired_before timestamptz)
LANGUAGE plpgsql
-- Generic plans, cached per connection: a plan made for one form would leave out the other's
-- inserts, and planning the statement anew for each call costs more than it runs.
SET plan_cache_mode = force_generic_plan
AS $function$
#variable_conflict use_column
DECLARE
  probe_history boolean;
  horizon timestamptz;
  optimistic boolean := redeliveries = 0;
  attempt integer := 0;
  message text;
  known_sources text[] := '{}';
  known_ids text[] := '{}';
  days date[];
  generations integer[];
  ledger_rows integer[];
BEGIN
  LOOP
    -- Retention's horizon, whether ids are still checked against events_history, and the batch's
    -- receipt days (those not past retention), each one's ledger generation and ledger rows per id:
    -- looked up once a day here, not once an event.
    SELECT l.history_dedupe_until > clock_timestamp(), l.expired_before, coalesce(l.expired_before, '-infinity'),
      d.days, d.generations, d.ledger_rows
    INTO probe_history, expired_before, horizon, days, generations, ledger_rows
    FROM event_lifecycle l
    CROSS JOIN LATERAL (
      SELECT array_agg(r.day) AS days, array_agg(g.generation) AS generations, array_agg(1 + g.tail::integer) AS ledger_rows
      FROM (
        SELECT DISTINCT (b."receivedAt" AT TIME ZONE 'UTC')::date AS day
        FROM jsonb_to_recordset(batch) AS b("receivedAt" timestamptz)
        WHERE b."receivedAt" >= coalesce(l.expired_before, '-infinity')
      ) r
      CROSS JOIN LATERAL eventline_ledger_generation(r.day) g
    ) d
    WHERE l.id = 1;
    attempt := attempt + 1;
    BEGIN
      IF probe_history THEN
        -- Ids events_history holds, which the ledger never saw. A statement of its own, so it is
        -- never planned once the probe has ended (or the table is gone).
        SELECT coalesce(array_agg(h.source), '{}'), coalesce(array_agg(h.id), '{}') INTO known_sources, known_ids
        FROM jsonb_to_recordset(batch) AS b(source text, id text)
        JOIN events_history h ON h.source = b.source AND h.id = b.id;
      END IF;

      -- One statement, in either form; the other form's inserts get no rows.
      -- Optimistic (first deliveries): every row as new, without ON CONFLICT's speculative
      -- insertion; a copy the ledger or events already holds fails the statement with
      -- unique_violation, and it runs again checked. Checked: a copy is new when every ledger row it
      -- writes is new (eventline_ledger_generation.sql), and events' own key sets aside a copy whose
      -- original the ledger no longer remembers. The ledger's rows go first (events' inserts read
      -- them), each table's in key order, so no two writers wait on each other in a cycle; byte
      -- order (COLLATE "C") compares with memcmp, not the locale. A copy past retention writes no
      -- ledger row (its ledger_rows is null).
      WITH r AS (
        SELECT * FROM eventline_batch_rows(batch, horizon, known_sources, known_ids, days, generations, ledger_rows)
      ), ids AS (
        SELECT r.generation + k AS generation, r.source, r.id, r.received_at
        FROM r CROSS JOIN (VALUES (0), (1)) AS l(k)
        WHERE k < r.ledger_rows ORDER BY r.source COLLATE "C", r.id COLLATE "C", k
      ), ids_optimistic AS (
        INSERT INTO event_ids SELECT * FROM ids WHERE optimistic RETURNING 1
      ), ids_checked AS (
        INSERT INTO event_ids SELECT * FROM ids WHERE NOT optimistic ON CONFLICT DO NOTHING RETURNING source, id
      ), fresh AS (
        SELECT r.* FROM r JOIN (SELECT source, id, count(*) AS n FROM ids_checked GROUP BY 1, 2) l USING (source, id)
        WHERE l.n = r.ledger_rows AND NOT r.known
      ), events_optimistic AS (
        INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
        SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
        FROM r CROSS JOIN (SELECT count(*) FROM ids_optimistic) AS ledger_first
        WHERE optimistic AND NOT r.expired AND NOT r.known ORDER BY r.source COLLATE "C", r.id COLLATE "C"
        RETURNING source, type, occurred_at, received_at
      ), events_checked AS (
        INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
        SELECT f.source, f.id, f.type, f.occurred_at, f.received_at, f.payload, f.attributes
        FROM fresh f ORDER BY f.source COLLATE "C", f.id COLLATE "C"
        ON CONFLICT (source, id, received_at) DO NOTHING
        RETURNING source, type, occurred_at, received_at
      ), w AS (
        SELECT * FROM events_optimistic UNION ALL SELECT * FROM events_checked
      ), deltas AS (
        -- The rows really inserted, added to their (day, source, type) rollup deltas: a late event is
        -- counted by the next rollup run however old its day, and a duplicate never is.
        INSERT INTO rollup_deltas AS d (day, source, type, shard, count, first_occurred_at, last_occurred_at)
        SELECT (w.occurred_at AT TIME ZONE 'UTC')::date, w.source, w.type, eventline_shard(), count(*), min(w.occurred_at), max(w.occurred_at)
        FROM w GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, source, type, shard) DO UPDATE SET count = d.count + EXCLUDED.count,
          first_occurred_at = least(d.first_occurred_at, EXCLUDED.first_occurred_at),
          last_occurred_at = greatest(d.last_occurred_at, EXCLUDED.last_occurred_at), updated_at = now()
      ), lag AS (
        -- And each one's ingest → row lag.
        INSERT INTO ingest_lag AS g (hour, shard, bucket, count, sum_seconds)
        SELECT date_trunc('hour', now()), eventline_shard(), eventline_lag_bucket(s.seconds), count(*), sum(s.seconds)
        FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - w.received_at)::double precision) AS seconds FROM w) s
        GROUP BY 3 ORDER BY 3
        ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = g.count + EXCLUDED.count, sum_seconds = g.sum_seconds + EXCLUDED.sum_seconds
      ), tally AS (
        SELECT (SELECT count(*) FROM w) AS written, (SELECT count(*) FROM r WHERE r.expired) AS expired
      ), counted AS (
        SELECT eventline_count_stages(accepted => first_deliveries, written => t.written, expired => t.expired,
          duplicates => jsonb_array_length(batch) - t.written - t.expired, retried => redeliveries)
        FROM tally t
      )
      SELECT t.written, t.expired INTO written, expired FROM tally t, counted;
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
$function$;
-- end eventline function

-- eventline function: eventline_maintain_events
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
-- end eventline function
