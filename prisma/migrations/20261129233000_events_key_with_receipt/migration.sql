-- Partitioning events, step 1 of 5 (docs/operations.md#partitioning-an-existing-deployment).
-- The key the partitioned table needs, (source, id, received_at), built on the
-- existing table beside its primary key. The only step that reads every row;
-- CONCURRENTLY: reads and writes go on while it builds.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "events_history_pkey" ON "events" ("source", "id", "received_at");
