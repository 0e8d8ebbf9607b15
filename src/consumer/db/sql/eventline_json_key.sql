-- A fixed-size key for a JSON value as eventline_json_value gave it: the
-- sha256 of its canonical text (jsonb's). What identifies a rollup cell's
-- dimension values, however long they are.
CREATE OR REPLACE FUNCTION eventline_json_key(v jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT sha256(textsend(v::text))
$function$;
