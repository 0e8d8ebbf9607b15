-- Drops one table a maintenance run took out (expired_ and the name of a day
-- partition, of a ledger generation's partition, or events_history; the
-- first by name) and answers its name, or null when none is left. Called
-- once per transaction, so each drop's unlinking holds nothing but the
-- expired table itself.
CREATE OR REPLACE FUNCTION eventline_drop_expired_table()
RETURNS text LANGUAGE plpgsql AS $function$
DECLARE
  t text;
BEGIN
  PERFORM set_config('lock_timeout', '5s', true);
  SELECT tablename INTO t FROM pg_tables
  WHERE schemaname = current_schema() AND starts_with(tablename, 'expired_')
    AND (eventline_partition_day(substr(tablename, 9)) IS NOT NULL
      OR eventline_partition_generation(substr(tablename, 9)) IS NOT NULL
      OR substr(tablename, 9) = 'events_history')
  ORDER BY 1 LIMIT 1;
  IF t IS NOT NULL THEN
    EXECUTE format('DROP TABLE IF EXISTS %I', t);
  END IF;
  RETURN t;
END
$function$;
