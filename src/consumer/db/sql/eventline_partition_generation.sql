-- The dedupe ledger generation a partition of `event_ids` holds, from its
-- name (event_ids_gN, as eventline_add_generation_partition names it); null
-- for any other table.
CREATE OR REPLACE FUNCTION eventline_partition_generation(name text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT CASE WHEN name ~ '^event_ids_g[0-9]+$' THEN substr(name, 12)::integer END
$function$;
