-- Partitioning events, step 2 of 5: the one index a rollup backfill reads,
-- (occurred_at, source, type), built on the existing table without blocking
-- writes. It replaces (source, type, occurred_at) and (occurred_at) in step 5:
-- a backfill scans a range of occurrence times in each partition, reading
-- source and type from the index alone, and a write maintains one index less.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "events_history_occurred_at_source_type_idx" ON "events" ("occurred_at", "source", "type");
