-- The partition of the dedupe ledger for generation `n`, event_ids_gN (the
-- name eventline_partition_generation reads), through eventline_add_partition.
CREATE OR REPLACE FUNCTION eventline_add_generation_partition(n integer)
RETURNS boolean LANGUAGE sql AS $function$
  SELECT eventline_add_partition('event_ids', 'event_ids_g' || n, format('FOR VALUES IN (%s)', n));
$function$;
