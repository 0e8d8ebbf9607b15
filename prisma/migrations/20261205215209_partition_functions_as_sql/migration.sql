-- eventline function: eventline_add_day_partition
-- The partition of `events` for UTC day `d`, events_pYYYYMMDD (the name
-- eventline_partition_day reads), through eventline_add_partition.
CREATE OR REPLACE FUNCTION eventline_add_day_partition(d date)
RETURNS boolean LANGUAGE sql AS $function$
  SELECT eventline_add_partition('events', 'events_p' || to_char(d, 'YYYYMMDD'),
    format('FOR VALUES FROM (%L) TO (%L)', d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC'));
$function$;
-- end eventline function

-- eventline function: eventline_add_generation_partition
-- The partition of the dedupe ledger for generation `n`, event_ids_gN (the
-- name eventline_partition_generation reads), through eventline_add_partition.
CREATE OR REPLACE FUNCTION eventline_add_generation_partition(n integer)
RETURNS boolean LANGUAGE sql AS $function$
  SELECT eventline_add_partition('event_ids', 'event_ids_g' || n, format('FOR VALUES IN (%s)', n));
$function$;
-- end eventline function

-- eventline function: eventline_add_partition
-- Creates partition `part` of `parent` (a table like it, with its defaults
-- and CHECK constraints, which ATTACH requires, attached with `bounds`)
-- unless it exists; answers whether it did. The caller holds the locks that
-- make a partition's absence certain (eventline_lock_partitioned), so a
-- partition another transaction created is seen (taking the lock reads the
-- catalog's news) and two never race.
CREATE OR REPLACE FUNCTION eventline_add_partition(parent text, part text, bounds text)
RETURNS boolean LANGUAGE plpgsql AS $function$
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I %s', parent, part, bounds);
  RETURN true;
END
$function$;
-- end eventline function

-- eventline function: eventline_add_partitions_for
-- The partitions a batch of events (the insert function's jsonb) writes to
-- and lacks: each receipt day on or after retention's horizon and the
-- history's end, and each ledger generation its ids are written into
-- (eventline_ledger_generation) that is still kept. Called by the insert
-- when Postgres finds no partition for a row (a cron late, a backlog from a
-- day never planned). Answers how many it created; none when another writer
-- created them first.
CREATE OR REPLACE FUNCTION eventline_add_partitions_for(batch jsonb)
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
    SELECT DISTINCT (r."receivedAt" AT TIME ZONE 'UTC')::date FROM jsonb_to_recordset(batch) AS r("receivedAt" timestamptz)
    WHERE r."receivedAt" >= greatest(lc.expired_before, lc.history_before)
  LOOP
    created := created + eventline_add_day_partition(d)::integer;
  END LOOP;
  -- Copies past retention write no ledger row (retention's horizon is a day's start).
  FOR n IN
    SELECT DISTINCT g.generation + k.k
    FROM (
      SELECT DISTINCT (r."receivedAt" AT TIME ZONE 'UTC')::date AS day FROM jsonb_to_recordset(batch) AS r("receivedAt" timestamptz)
      WHERE r."receivedAt" >= coalesce(lc.expired_before, '-infinity')
    ) r
    CROSS JOIN LATERAL eventline_ledger_generation(r.day) g
    CROSS JOIN (VALUES (0), (1)) AS k(k)
    WHERE k.k = 0 OR g.tail
  LOOP
    CONTINUE WHEN n < (SELECT min(generation) FROM event_id_generations);
    created := created + eventline_add_generation_partition(n)::integer;
  END LOOP;
  RETURN created;
END
$function$;
-- end eventline function

-- eventline function: eventline_drop_expired_table
-- Drops one table a maintenance run took out (expired_ and the name of a day
-- partition, of a ledger generation's partition, or events_history; the
-- first by name) and answers its name, or null when none is left. Called
-- once per transaction, so each drop's unlinking holds nothing but the
-- expired table itself.
CREATE OR REPLACE FUNCTION eventline_drop_expired_table()
RETURNS text LANGUAGE plpgsql AS $function$
DECLARE
  t text;
BEGIN
  PERFORM set_config('lock_timeout', '5s', true);
  SELECT tablename INTO t FROM pg_tables
  WHERE schemaname = current_schema() AND starts_with(tablename, 'expired_')
    AND (eventline_partition_day(substr(tablename, 9)) IS NOT NULL
      OR eventline_partition_generation(substr(tablename, 9)) IS NOT NULL
      OR substr(tablename, 9) = 'events_history')
  ORDER BY 1 LIMIT 1;
  IF t IS NOT NULL THEN
    EXECUTE format('DROP TABLE IF EXISTS %I', t);
  END IF;
  RETURN t;
END
$function$;
-- end eventline function

-- eventline function: eventline_ledger_generation
-- The dedupe ledger's generation an id received on `day` is written into,
-- and whether `day` is in that generation's tail (its last window), where
-- the id goes into the next generation too (db/event-ledger.ts says why).
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

-- eventline function: eventline_lock_partitioned
-- The locks that make a partition's absence certain before creating one
-- (eventline_add_partition), taken in the writers' order: the dedupe ledger
-- before `events`, as the insert writes them, so a run and a writer never
-- wait on each other in a cycle. Held until the transaction ends.
CREATE OR REPLACE FUNCTION eventline_lock_partitioned()
RETURNS void LANGUAGE plpgsql AS $function$
BEGIN
  LOCK TABLE ONLY event_ids IN SHARE UPDATE EXCLUSIVE MODE;
  LOCK TABLE ONLY events IN SHARE UPDATE EXCLUSIVE MODE;
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
--    id: db/event-ledger.ts); generations before the current one are taken out;
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

-- eventline function: eventline_partition_day
-- The UTC day a partition of `events` stands for, from its name
-- (events_pYYYYMMDD, as eventline_add_day_partition names it); null for any
-- other table. What every statement that lists the day partitions reads them by.
CREATE OR REPLACE FUNCTION eventline_partition_day(name text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT CASE WHEN name ~ '^events_p[0-9]{8}$' THEN to_date(substr(name, 9), 'YYYYMMDD') END
$function$;
-- end eventline function

-- eventline function: eventline_partition_generation
-- The dedupe ledger generation a partition of `event_ids` holds, from its
-- name (event_ids_gN, as eventline_add_generation_partition names it); null
-- for any other table.
CREATE OR REPLACE FUNCTION eventline_partition_generation(name text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT CASE WHEN name ~ '^event_ids_g[0-9]+$' THEN substr(name, 12)::integer END
$function$;
-- end eventline function

-- eventline function: eventline_take_out
-- Takes partition `part` out of `parent`: detaches it and renames it
-- expired_<part>, replacing a table of that name a failed drop left. A
-- catalog change, the only moment the parent is locked against writers; the
-- drop step (eventline_drop_expired_table) unlinks the files later, in a
-- transaction of its own.
CREATE OR REPLACE FUNCTION eventline_take_out(parent text, part text)
RETURNS void LANGUAGE plpgsql AS $function$
BEGIN
  EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, part);
  EXECUTE format('DROP TABLE IF EXISTS %I', 'expired_' || part);
  EXECUTE format('ALTER TABLE %I RENAME TO %I', part, 'expired_' || part);
END
$function$;
-- end eventline function

-- eventline function: eventline_insert_events
CREATE OR REPLACE FUNCTION eventline_insert_events(batch jsonb, first_deliveries bigint, redeliveries bigint,
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
        IF probe_history THEN
          WITH r AS (
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day, r."receivedAt" < horizon AS expired
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation, g.tail
      FROM (SELECT DISTINCT received_day FROM r WHERE NOT r.expired) d
      CROSS JOIN LATERAL eventline_ledger_generation(d.received_day) g
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR g.tail
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", k.k
      RETURNING 1
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r CROSS JOIN (SELECT count(*) FROM ledger) AS ledger_first
      WHERE NOT r.expired AND NOT EXISTS (SELECT 1 FROM events_history h WHERE h.source = r.source AND h.id = r.id)
      ORDER BY r.source COLLATE "C", r.id COLLATE "C"
      RETURNING source, id, type, occurred_at, received_at
    ), deltas AS (
      INSERT INTO rollup_deltas (day, source, type, shard, count, first_occurred_at, last_occurred_at)
      SELECT ((occurred_at) AT TIME ZONE 'UTC')::date, source, type, pg_backend_pid(), count(*), min(occurred_at), max(occurred_at)
      FROM ins GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type, shard) DO UPDATE SET count = rollup_deltas.count + EXCLUDED.count,
        first_occurred_at = LEAST(rollup_deltas.first_occurred_at, EXCLUDED.first_occurred_at),
        last_occurred_at = GREATEST(rollup_deltas.last_occurred_at, EXCLUDED.last_occurred_at),
        updated_at = now()
    ), tally AS (
      SELECT (SELECT count(*) FROM ins) AS written, (SELECT count(*) FROM r WHERE r.expired) AS expired
    ), counted AS (
      INSERT INTO stage_counters (day, shard, accepted, written, duplicates, retried, expired)
      SELECT ((now()) AT TIME ZONE 'UTC')::date, pg_backend_pid(), first_deliveries, t.written, jsonb_array_length(batch) - t.written - t.expired, redeliveries, t.expired FROM tally t
      ON CONFLICT (day, shard) DO UPDATE SET accepted = stage_counters.accepted + EXCLUDED.accepted, written = stage_counters.written + EXCLUDED.written, duplicates = stage_counters.duplicates + EXCLUDED.duplicates, retried = stage_counters.retried + EXCLUDED.retried, expired = stage_counters.expired + EXCLUDED.expired
    ), lag AS (
      INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
      SELECT date_trunc('hour', now()), pg_backend_pid(), width_bucket(l.seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[]), count(*), sum(l.seconds)
      FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - received_at)::double precision) AS seconds FROM ins) l
      GROUP BY 3
      ORDER BY 3
      ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds
    )
    SELECT t.written, t.expired INTO written, expired FROM tally t;
        ELSE
          WITH r AS (
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day, r."receivedAt" < horizon AS expired
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation, g.tail
      FROM (SELECT DISTINCT received_day FROM r WHERE NOT r.expired) d
      CROSS JOIN LATERAL eventline_ledger_generation(d.received_day) g
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR g.tail
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", k.k
      RETURNING 1
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r CROSS JOIN (SELECT count(*) FROM ledger) AS ledger_first
      WHERE NOT r.expired
      ORDER BY r.source COLLATE "C", r.id COLLATE "C"
      RETURNING source, id, type, occurred_at, received_at
    ), deltas AS (
      INSERT INTO rollup_deltas (day, source, type, shard, count, first_occurred_at, last_occurred_at)
      SELECT ((occurred_at) AT TIME ZONE 'UTC')::date, source, type, pg_backend_pid(), count(*), min(occurred_at), max(occurred_at)
      FROM ins GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type, shard) DO UPDATE SET count = rollup_deltas.count + EXCLUDED.count,
        first_occurred_at = LEAST(rollup_deltas.first_occurred_at, EXCLUDED.first_occurred_at),
        last_occurred_at = GREATEST(rollup_deltas.last_occurred_at, EXCLUDED.last_occurred_at),
        updated_at = now()
    ), tally AS (
      SELECT (SELECT count(*) FROM ins) AS written, (SELECT count(*) FROM r WHERE r.expired) AS expired
    ), counted AS (
      INSERT INTO stage_counters (day, shard, accepted, written, duplicates, retried, expired)
      SELECT ((now()) AT TIME ZONE 'UTC')::date, pg_backend_pid(), first_deliveries, t.written, jsonb_array_length(batch) - t.written - t.expired, redeliveries, t.expired FROM tally t
      ON CONFLICT (day, shard) DO UPDATE SET accepted = stage_counters.accepted + EXCLUDED.accepted, written = stage_counters.written + EXCLUDED.written, duplicates = stage_counters.duplicates + EXCLUDED.duplicates, retried = stage_counters.retried + EXCLUDED.retried, expired = stage_counters.expired + EXCLUDED.expired
    ), lag AS (
      INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
      SELECT date_trunc('hour', now()), pg_backend_pid(), width_bucket(l.seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[]), count(*), sum(l.seconds)
      FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - received_at)::double precision) AS seconds FROM ins) l
      GROUP BY 3
      ORDER BY 3
      ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds
    )
    SELECT t.written, t.expired INTO written, expired FROM tally t;
        END IF;
      ELSE
        IF probe_history THEN
          WITH r AS (
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day, r."receivedAt" < horizon AS expired
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation, g.tail
      FROM (SELECT DISTINCT received_day FROM r WHERE NOT r.expired) d
      CROSS JOIN LATERAL eventline_ledger_generation(d.received_day) g
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR g.tail
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", k.k
      ON CONFLICT DO NOTHING
      RETURNING source, id
    ), fresh AS (
      SELECT r.source, r.id
      FROM r JOIN receipt_days g USING (received_day)
      JOIN (SELECT source, id, count(*) AS n FROM ledger GROUP BY 1, 2) l USING (source, id)
      WHERE l.n = CASE WHEN g.tail THEN 2 ELSE 1 END
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r JOIN fresh USING (source, id)
      WHERE NOT r.expired AND NOT EXISTS (SELECT 1 FROM events_history h WHERE h.source = r.source AND h.id = r.id)
      ORDER BY r.source COLLATE "C", r.id COLLATE "C"
      ON CONFLICT (source, id, received_at) DO NOTHING
      RETURNING source, id, type, occurred_at, received_at
    ), deltas AS (
      INSERT INTO rollup_deltas (day, source, type, shard, count, first_occurred_at, last_occurred_at)
      SELECT ((occurred_at) AT TIME ZONE 'UTC')::date, source, type, pg_backend_pid(), count(*), min(occurred_at), max(occurred_at)
      FROM ins GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type, shard) DO UPDATE SET count = rollup_deltas.count + EXCLUDED.count,
        first_occurred_at = LEAST(rollup_deltas.first_occurred_at, EXCLUDED.first_occurred_at),
        last_occurred_at = GREATEST(rollup_deltas.last_occurred_at, EXCLUDED.last_occurred_at),
        updated_at = now()
    ), tally AS (
      SELECT (SELECT count(*) FROM ins) AS written, (SELECT count(*) FROM r WHERE r.expired) AS expired
    ), counted AS (
      INSERT INTO stage_counters (day, shard, accepted, written, duplicates, retried, expired)
      SELECT ((now()) AT TIME ZONE 'UTC')::date, pg_backend_pid(), first_deliveries, t.written, jsonb_array_length(batch) - t.written - t.expired, redeliveries, t.expired FROM tally t
      ON CONFLICT (day, shard) DO UPDATE SET accepted = stage_counters.accepted + EXCLUDED.accepted, written = stage_counters.written + EXCLUDED.written, duplicates = stage_counters.duplicates + EXCLUDED.duplicates, retried = stage_counters.retried + EXCLUDED.retried, expired = stage_counters.expired + EXCLUDED.expired
    ), lag AS (
      INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
      SELECT date_trunc('hour', now()), pg_backend_pid(), width_bucket(l.seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[]), count(*), sum(l.seconds)
      FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - received_at)::double precision) AS seconds FROM ins) l
      GROUP BY 3
      ORDER BY 3
      ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds
    )
    SELECT t.written, t.expired INTO written, expired FROM tally t;
        ELSE
          WITH r AS (
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day, r."receivedAt" < horizon AS expired
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation, g.tail
      FROM (SELECT DISTINCT received_day FROM r WHERE NOT r.expired) d
      CROSS JOIN LATERAL eventline_ledger_generation(d.received_day) g
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR g.tail
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", k.k
      ON CONFLICT DO NOTHING
      RETURNING source, id
    ), fresh AS (
      SELECT r.source, r.id
      FROM r JOIN receipt_days g USING (received_day)
      JOIN (SELECT source, id, count(*) AS n FROM ledger GROUP BY 1, 2) l USING (source, id)
      WHERE l.n = CASE WHEN g.tail THEN 2 ELSE 1 END
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r JOIN fresh USING (source, id)
      WHERE NOT r.expired
      ORDER BY r.source COLLATE "C", r.id COLLATE "C"
      ON CONFLICT (source, id, received_at) DO NOTHING
      RETURNING source, id, type, occurred_at, received_at
    ), deltas AS (
      INSERT INTO rollup_deltas (day, source, type, shard, count, first_occurred_at, last_occurred_at)
      SELECT ((occurred_at) AT TIME ZONE 'UTC')::date, source, type, pg_backend_pid(), count(*), min(occurred_at), max(occurred_at)
      FROM ins GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type, shard) DO UPDATE SET count = rollup_deltas.count + EXCLUDED.count,
        first_occurred_at = LEAST(rollup_deltas.first_occurred_at, EXCLUDED.first_occurred_at),
        last_occurred_at = GREATEST(rollup_deltas.last_occurred_at, EXCLUDED.last_occurred_at),
        updated_at = now()
    ), tally AS (
      SELECT (SELECT count(*) FROM ins) AS written, (SELECT count(*) FROM r WHERE r.expired) AS expired
    ), counted AS (
      INSERT INTO stage_counters (day, shard, accepted, written, duplicates, retried, expired)
      SELECT ((now()) AT TIME ZONE 'UTC')::date, pg_backend_pid(), first_deliveries, t.written, jsonb_array_length(batch) - t.written - t.expired, redeliveries, t.expired FROM tally t
      ON CONFLICT (day, shard) DO UPDATE SET accepted = stage_counters.accepted + EXCLUDED.accepted, written = stage_counters.written + EXCLUDED.written, duplicates = stage_counters.duplicates + EXCLUDED.duplicates, retried = stage_counters.retried + EXCLUDED.retried, expired = stage_counters.expired + EXCLUDED.expired
    ), lag AS (
      INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
      SELECT date_trunc('hour', now()), pg_backend_pid(), width_bucket(l.seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[]), count(*), sum(l.seconds)
      FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - received_at)::double precision) AS seconds FROM ins) l
      GROUP BY 3
      ORDER BY 3
      ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds
    )
    SELECT t.written, t.expired INTO written, expired FROM tally t;
        END IF;
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
$function$;
-- end eventline function
