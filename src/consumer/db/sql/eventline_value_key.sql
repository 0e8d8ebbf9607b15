-- The key a distinct measure remembers a JSON value by: its normal text
-- (numbers by value: 1, 1.0 and 1e0 are one value; anything else as jsonb
-- writes it, which is canonical), kept as it is when short (most ids and
-- names), its sha256 when longer; a first byte tells the two apart, so a
-- short value can never equal a digest. Null for a missing value.
-- One expression, STABLE like what it calls: the planner inlines it.
CREATE OR REPLACE FUNCTION eventline_value_key(v jsonb) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $function$
  SELECT CASE
    WHEN jsonb_typeof(v) = 'number' AND octet_length(trim_scale(v::numeric)::text) <= 64
      THEN '\x00'::bytea || textsend(trim_scale(v::numeric)::text)
    WHEN jsonb_typeof(v) = 'number'
      THEN '\x01'::bytea || sha256(textsend(trim_scale(v::numeric)::text))
    WHEN octet_length(v::text) <= 64
      THEN '\x00'::bytea || textsend(v::text)
    ELSE '\x01'::bytea || sha256(textsend(v::text))
  END
$function$;
