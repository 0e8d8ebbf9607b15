-- How two tallies of one (day, source, type) add up: their counts, and the
-- span of occurredAt that covers both. It is the one rule by which a consumer
-- statement adds rows to their rollup delta (eventline_insert_events) and the
-- rollup run adds deltas to their daily_rollups row (apply-rollup-deltas.ts).
-- The sum is commutative and associative, so deltas may be applied in any
-- order and any grouping (a key's shards in one chunk or several) with the
-- same result.
CREATE OR REPLACE FUNCTION eventline_rollup_sum(
  count integer, first_occurred_at timestamptz, last_occurred_at timestamptz,
  more_count integer, more_first_occurred_at timestamptz, more_last_occurred_at timestamptz,
  OUT sum_count integer, OUT sum_first_occurred_at timestamptz, OUT sum_last_occurred_at timestamptz)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT count + more_count, least(first_occurred_at, more_first_occurred_at), greatest(last_occurred_at, more_last_occurred_at)
$function$;
