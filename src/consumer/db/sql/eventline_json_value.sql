-- A JSON value as a rollup groups by it: numbers by their value (1, 1.0 and
-- 1e0 are one group), a JSON null like a missing value (SQL null), anything
-- else as it is. STABLE like to_jsonb, so the planner inlines it.
CREATE OR REPLACE FUNCTION eventline_json_value(v jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $function$
  SELECT CASE jsonb_typeof(v)
    WHEN 'null' THEN NULL
    WHEN 'number' THEN to_jsonb(trim_scale(v::numeric))
    ELSE v
  END
$function$;
