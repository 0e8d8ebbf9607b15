-- eventline function: eventline_insert_events
CREATE OR REPLACE FUNCTION eventline_insert_events(batch jsonb, first_deliveries bigint, redeliveries bigint)
RETURNS bigint LANGUAGE plpgsql AS $function$
#variable_conflict use_column
DECLARE
  inserted bigint;
  probe_history boolean := EXISTS (SELECT 1 FROM event_lifecycle WHERE history_dedupe_until > clock_timestamp());
BEGIN
  IF redeliveries = 0 THEN
    BEGIN
      IF probe_history THEN
        WITH r AS (
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation,
        g.first_day > d.received_day OR n.first_day IS NULL OR d.received_day >= n.first_day - g.window_days AS tail
      FROM (SELECT DISTINCT received_day FROM r) d
      CROSS JOIN LATERAL (
        SELECT generation, first_day, window_days FROM event_id_generations
        ORDER BY first_day <= d.received_day DESC, CASE WHEN first_day <= d.received_day THEN first_day END DESC, first_day
        LIMIT 1
      ) g
      LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR g.tail
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", k.k
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r
      WHERE NOT EXISTS (SELECT 1 FROM events_history h WHERE h.source = r.source AND h.id = r.id)
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
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation,
        g.first_day > d.received_day OR n.first_day IS NULL OR d.received_day >= n.first_day - g.window_days AS tail
      FROM (SELECT DISTINCT received_day FROM r) d
      CROSS JOIN LATERAL (
        SELECT generation, first_day, window_days FROM event_id_generations
        ORDER BY first_day <= d.received_day DESC, CASE WHEN first_day <= d.received_day THEN first_day END DESC, first_day
        LIMIT 1
      ) g
      LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
    ), ledger AS (
      INSERT INTO event_ids (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR g.tail
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", k.k
    ), ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
      FROM r
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
    EXCEPTION WHEN unique_violation THEN
      -- A copy of an event already written: the checked statement tells it apart.
    END;
  END IF;
  IF probe_history THEN
    WITH r AS (
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation,
        g.first_day > d.received_day OR n.first_day IS NULL OR d.received_day >= n.first_day - g.window_days AS tail
      FROM (SELECT DISTINCT received_day FROM r) d
      CROSS JOIN LATERAL (
        SELECT generation, first_day, window_days FROM event_id_generations
        ORDER BY first_day <= d.received_day DESC, CASE WHEN first_day <= d.received_day THEN first_day END DESC, first_day
        LIMIT 1
      ) g
      LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
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
      WHERE NOT EXISTS (SELECT 1 FROM events_history h WHERE h.source = r.source AND h.id = r.id)
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
      SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt" AS occurred_at, r."receivedAt" AS received_at, r.payload, r.attributes,
        ((r."receivedAt") AT TIME ZONE 'UTC')::date AS received_day
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
    ), receipt_days AS MATERIALIZED (
      SELECT d.received_day, g.generation,
        g.first_day > d.received_day OR n.first_day IS NULL OR d.received_day >= n.first_day - g.window_days AS tail
      FROM (SELECT DISTINCT received_day FROM r) d
      CROSS JOIN LATERAL (
        SELECT generation, first_day, window_days FROM event_id_generations
        ORDER BY first_day <= d.received_day DESC, CASE WHEN first_day <= d.received_day THEN first_day END DESC, first_day
        LIMIT 1
      ) g
      LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
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
