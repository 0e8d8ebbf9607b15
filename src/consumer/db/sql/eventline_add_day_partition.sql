-- The partition of `events` for UTC day `d`, events_pYYYYMMDD (the name
-- eventline_partition_day reads), through eventline_add_partition.
CREATE OR REPLACE FUNCTION eventline_add_day_partition(d date)
RETURNS boolean LANGUAGE sql AS $function$
  SELECT eventline_add_partition('events', 'events_p' || to_char(d, 'YYYYMMDD'),
    format('FOR VALUES FROM (%L) TO (%L)', d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC'));
$function$;
