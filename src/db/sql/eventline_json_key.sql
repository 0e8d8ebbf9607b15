-- A fixed-size key for a JSON value as eventline_json_value gave it: the
-- sha256 of its canonical text (jsonb's). What a distinct measure remembers
-- per value, and a rollup cell per list of dimension values, however long
-- the values are. Null for a missing value, which a distinct measure does
-- not count.
CREATE OR REPLACE FUNCTION eventline_json_key(v jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT sha256(convert_to(v::text, 'UTF8'))
$function$;
