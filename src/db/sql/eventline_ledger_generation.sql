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
