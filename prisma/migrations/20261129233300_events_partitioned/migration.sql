-- Partitioning events, step 5 of 5: the old table becomes the partition
-- events_history of a new events, partitioned by receipt day. ATTACH reads no
-- rows (the validated constraint of step 4 proves the range) and finds the key
-- and indexes it needs already built, so every statement here is a catalog
-- change: the exclusive lock on the old table lasts milliseconds.
ALTER TABLE "events" RENAME TO "events_history";
-- (source, id) was the old key; events_pkey (with received_at) and the ledger take
-- over. The key of step 1 becomes the history's primary key without a scan, so
-- that ATTACH adopts it instead of building another.
ALTER TABLE "events_history" DROP CONSTRAINT "events_pkey";
ALTER TABLE "events_history" ADD CONSTRAINT "events_history_pkey" PRIMARY KEY USING INDEX "events_history_pkey";
-- The rollup index of step 2 takes over from these two.
DROP INDEX "events_source_type_occurred_at_idx";
DROP INDEX "events_occurred_at_idx";

CREATE TABLE "events" (
    "source" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "written_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,
    "attributes" JSONB,

    CONSTRAINT "events_pkey" PRIMARY KEY ("source","id","received_at")
) PARTITION BY RANGE ("received_at");
CREATE INDEX "events_occurred_at_source_type_idx" ON "events"("occurred_at", "source", "type");

DO $migration$
BEGIN
  EXECUTE format('ALTER TABLE events ATTACH PARTITION events_history FOR VALUES FROM (MINVALUE) TO (%L)',
    (SELECT history_before FROM event_lifecycle WHERE id = 1));
END
$migration$;
ALTER TABLE "events_history" DROP CONSTRAINT "events_history_range";
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;

-- The dedupe ledger (src/db/event-ledger.ts).
CREATE TABLE "event_id_generations" (
    "generation" INTEGER NOT NULL,
    "first_day" DATE NOT NULL,
    "window_days" INTEGER NOT NULL,

    CONSTRAINT "event_id_generations_pkey" PRIMARY KEY ("generation")
);
-- Generation 0 starts on the first day after the history, planned with the default window (90 days).
INSERT INTO "event_id_generations" ("generation", "first_day", "window_days")
SELECT 0, (("history_before") AT TIME ZONE 'UTC')::date, 90 FROM "event_lifecycle" WHERE "id" = 1;

CREATE TABLE "event_ids" (
    "generation" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "event_ids_pkey" PRIMARY KEY ("source","id","generation")
) PARTITION BY LIST ("generation");
CREATE TABLE "event_ids_default" PARTITION OF "event_ids" DEFAULT;

-- eventline function: eventline_insert_events
CREATE OR REPLACE FUNCTION eventline_insert_events(batch jsonb, first_deliveries bigint, redeliveries bigint)
RETURNS bigint LANGUAGE plpgsql AS $function$
#variable_conflict use_column
DECLARE
  inserted bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM event_lifecycle WHERE history_dedupe_until > clock_timestamp()) THEN
    WITH r AS (
      SELECT DISTINCT ON (r.source, r.id) r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source, r.id, r."receivedAt"
    ), planned AS (
      SELECT r.source, r.id, r.received_at, g.generation, g.tail
      FROM r JOIN (
        SELECT d.day, g.generation,
          g.first_day > d.day OR n.first_day IS NULL OR d.day >= n.first_day - g.window_days AS tail
        FROM (SELECT DISTINCT ((received_at) AT TIME ZONE 'UTC')::date AS day FROM r) d
        CROSS JOIN LATERAL (
          SELECT generation, first_day, window_days FROM event_id_generations
          ORDER BY first_day <= d.day DESC, CASE WHEN first_day <= d.day THEN first_day END DESC, first_day
          LIMIT 1
        ) g
        LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
      ) g ON g.day = ((r.received_at) AT TIME ZONE 'UTC')::date
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT p.generation + k.k, p.source, p.id, p.received_at
      FROM planned p CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR p.tail
      ORDER BY 2, 3, 1
      ON CONFLICT DO NOTHING
      RETURNING source, id
    ), fresh AS (
      SELECT p.source, p.id
      FROM planned p JOIN (SELECT source, id, count(*) AS n FROM ledger GROUP BY 1, 2) l USING (source, id)
      WHERE l.n = CASE WHEN p.tail THEN 2 ELSE 1 END
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r JOIN fresh USING (source, id)
      WHERE NOT EXISTS (SELECT 1 FROM events_history h WHERE h.source = r.source AND h.id = r.id)
      ORDER BY r.source, r.id
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
    ), counted AS (
      INSERT INTO stage_counters (day, shard, accepted, written, duplicates, retried)
      SELECT ((now()) AT TIME ZONE 'UTC')::date, pg_backend_pid(), first_deliveries, w.n, jsonb_array_length(batch) - w.n, redeliveries FROM (SELECT count(*) AS n FROM ins) w
      ON CONFLICT (day, shard) DO UPDATE SET accepted = stage_counters.accepted + EXCLUDED.accepted, written = stage_counters.written + EXCLUDED.written, duplicates = stage_counters.duplicates + EXCLUDED.duplicates, retried = stage_counters.retried + EXCLUDED.retried
    ), lag AS (
      INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
      SELECT date_trunc('hour', now()), pg_backend_pid(), width_bucket(l.seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[]), count(*), sum(l.seconds)
      FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - received_at)::double precision) AS seconds FROM ins) l
      GROUP BY 3
      ORDER BY 3
      ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds
    )
    SELECT count(*) INTO inserted FROM ins;
  ELSE
    WITH r AS (
      SELECT DISTINCT ON (r.source, r.id) r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source, r.id, r."receivedAt"
    ), planned AS (
      SELECT r.source, r.id, r.received_at, g.generation, g.tail
      FROM r JOIN (
        SELECT d.day, g.generation,
          g.first_day > d.day OR n.first_day IS NULL OR d.day >= n.first_day - g.window_days AS tail
        FROM (SELECT DISTINCT ((received_at) AT TIME ZONE 'UTC')::date AS day FROM r) d
        CROSS JOIN LATERAL (
          SELECT generation, first_day, window_days FROM event_id_generations
          ORDER BY first_day <= d.day DESC, CASE WHEN first_day <= d.day THEN first_day END DESC, first_day
          LIMIT 1
        ) g
        LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
      ) g ON g.day = ((r.received_at) AT TIME ZONE 'UTC')::date
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT p.generation + k.k, p.source, p.id, p.received_at
      FROM planned p CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR p.tail
      ORDER BY 2, 3, 1
      ON CONFLICT DO NOTHING
      RETURNING source, id
    ), fresh AS (
      SELECT p.source, p.id
      FROM planned p JOIN (SELECT source, id, count(*) AS n FROM ledger GROUP BY 1, 2) l USING (source, id)
      WHERE l.n = CASE WHEN p.tail THEN 2 ELSE 1 END
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r JOIN fresh USING (source, id)
      ORDER BY r.source, r.id
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
    ), counted AS (
      INSERT INTO stage_counters (day, shard, accepted, written, duplicates, retried)
      SELECT ((now()) AT TIME ZONE 'UTC')::date, pg_backend_pid(), first_deliveries, w.n, jsonb_array_length(batch) - w.n, redeliveries FROM (SELECT count(*) AS n FROM ins) w
      ON CONFLICT (day, shard) DO UPDATE SET accepted = stage_counters.accepted + EXCLUDED.accepted, written = stage_counters.written + EXCLUDED.written, duplicates = stage_counters.duplicates + EXCLUDED.duplicates, retried = stage_counters.retried + EXCLUDED.retried
    ), lag AS (
      INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
      SELECT date_trunc('hour', now()), pg_backend_pid(), width_bucket(l.seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[]), count(*), sum(l.seconds)
      FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - received_at)::double precision) AS seconds FROM ins) l
      GROUP BY 3
      ORDER BY 3
      ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds
    )
    SELECT count(*) INTO inserted FROM ins;
  END IF;
  RETURN inserted;
END
$function$;
-- end eventline function

-- eventline function: eventline_maintain_events
CREATE OR REPLACE FUNCTION eventline_maintain_events(today date, ahead_days integer, retention_days integer, window_days integer)
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
      WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p[0-9]{8}$'
        AND to_date(substr(c.relname, 9), 'YYYYMMDD') < today - retention_days
      ORDER BY 1
    LOOP
      EXECUTE format('DROP TABLE %I', part);
      dropped := dropped + 1;
      lc.expired_before := greatest(lc.expired_before, ((to_date(substr(part, 9), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC'));
    END LOOP;
    IF lc.history_before <= horizon AND to_regclass('events_history') IS NOT NULL THEN
      DROP TABLE events_history;
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
    SELECT DISTINCT ((received_at) AT TIME ZONE 'UTC')::date FROM events_default
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
    VALUES (last_gen.generation + 1, greatest(last_gen.first_day + 2 * last_gen.window_days, today + 1), window_days);
  END LOOP;
  SELECT max(generation) INTO cur FROM event_id_generations WHERE first_day <= today;
  cur := coalesce(cur, (SELECT min(generation) FROM event_id_generations));
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'event_ids'::regclass AND c.relname ~ '^event_ids_g[0-9]+$' AND substr(c.relname, 12)::integer < cur
  LOOP
    EXECUTE format('DROP TABLE %I', part);
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
$function$;
-- end eventline function

-- eventline function: eventline_find_event
CREATE OR REPLACE FUNCTION eventline_find_event(p_source text, p_id text)
RETURNS SETOF events LANGUAGE plpgsql STABLE AS $function$
DECLARE
  receipts timestamptz[];
BEGIN
  SELECT array_agg(DISTINCT l.received_at) INTO receipts FROM event_ids l WHERE l.source = p_source AND l.id = p_id;
  IF receipts IS NOT NULL THEN
    RETURN QUERY SELECT * FROM events e
      WHERE e.source = p_source AND e.id = p_id AND e.received_at = ANY (receipts)
      ORDER BY e.received_at LIMIT 1;
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM events e WHERE e.source = p_source AND e.id = p_id ORDER BY e.received_at LIMIT 1;
END
$function$;
-- end eventline function

-- Partitions for today and the week ahead, and the ledger's generations (90 days, the default window).
SELECT eventline_maintain_events(((now()) AT TIME ZONE 'UTC')::date, 7, NULL, 90);
