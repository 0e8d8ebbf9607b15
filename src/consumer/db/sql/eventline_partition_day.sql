-- The UTC day a partition of `events` stands for, from its name
-- (events_pYYYYMMDD, as eventline_add_day_partition names it); null for any
-- other table. What every statement that lists the day partitions reads them by.
CREATE OR REPLACE FUNCTION eventline_partition_day(name text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT CASE WHEN name ~ '^events_p[0-9]{8}$' THEN to_date(substr(name, 9), 'YYYYMMDD') END
$function$;
