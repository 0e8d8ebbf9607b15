-- Partitioning events, step 3 of 5: where the history ends. Everything received
-- before the start of the day after tomorrow (UTC) stays in the old table, which
-- becomes the partition events_history (receipt times are the producer's clock,
-- never ahead of it; a row beyond the bound would fail step 4, changing nothing).
-- The constraint saying so is added NOT VALID (no scan, a moment's lock) and
-- checked in step 4.
CREATE TABLE "event_lifecycle" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "history_before" TIMESTAMPTZ(3) NOT NULL,
    "history_dedupe_until" TIMESTAMPTZ(3),
    "expired_before" TIMESTAMPTZ(3),
    "maintained_at" TIMESTAMPTZ(3),

    CONSTRAINT "event_lifecycle_pkey" PRIMARY KEY ("id")
);

DO $migration$
DECLARE
  cut timestamptz;
  has_rows boolean;
BEGIN
  cut := (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '2 days') AT TIME ZONE 'UTC';
  has_rows := EXISTS (SELECT 1 FROM events);
  -- A copy of a pre-partitioning event is also checked against events_history
  -- for the default dedupe window (90 days), since the ledger never saw those ids.
  INSERT INTO event_lifecycle (id, history_before, history_dedupe_until)
  VALUES (1, cut, CASE WHEN has_rows THEN cut + interval '90 days' END);
  EXECUTE format('ALTER TABLE events ADD CONSTRAINT events_history_range CHECK (received_at < %L) NOT VALID', cut);
END
$migration$;
