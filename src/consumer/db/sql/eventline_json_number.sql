-- The number a JSON value holds, exactly (numeric), or null when it holds
-- none: what a rollup's sum, min and max measure. A string of digits is not a
-- number here; it is skipped like a missing value. Inlined by the planner.
CREATE OR REPLACE FUNCTION eventline_json_number(v jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END
$function$;
