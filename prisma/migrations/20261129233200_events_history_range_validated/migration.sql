-- Partitioning events, step 4 of 5: check the range constraint against every
-- row. A full read, under a lock that lets reads and writes go on; step 4's
-- ATTACH then trusts the constraint instead of reading the table again.
ALTER TABLE "events" VALIDATE CONSTRAINT "events_history_range";
