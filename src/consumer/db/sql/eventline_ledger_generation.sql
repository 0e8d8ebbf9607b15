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
