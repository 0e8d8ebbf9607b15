-- CreateTable
CREATE TABLE "ingest_lag" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "shard" INTEGER NOT NULL,
    "bucket" SMALLINT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "sum_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "ingest_lag_pkey" PRIMARY KEY ("hour","shard","bucket")
);

-- eventline function: eventline_insert_events
CREATE OR REPLACE FUNCTION eventline_insert_events(batch jsonb, first_deliveries bigint, redeliveries bigint)
RETURNS bigint LANGUAGE plpgsql AS $function$
#variable_conflict use_column
DECLARE
  inserted bigint;
BEGIN
    WITH ins AS (
      INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
      SELECT r.source, r.id, r.type, r."occurredAt", r."receivedAt", r.payload, r.attributes
      FROM jsonb_to_recordset(batch) AS r(
        source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
      )
      ORDER BY r.source, r.id
      ON CONFLICT (source, id) DO NOTHING
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
  RETURN inserted;
END
$function$;
-- end eventline function
