-- The union of two sets of value keys (eventline_value_key) without
-- duplicates: what a distinct measure's cell had seen, merged with what a
-- step found. A set, in no particular order; its cardinality is the measure.
-- Its cost grows with the cell's set, not with what is added
-- (ROLLUP_LIMITS.maxDistinctPerCell bounds it; docs/configuration.md).
CREATE OR REPLACE FUNCTION eventline_key_union(a bytea[], b bytea[]) RETURNS bytea[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT array(SELECT k FROM unnest(a) AS k UNION SELECT k FROM unnest(b) AS k)
$function$;
