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
