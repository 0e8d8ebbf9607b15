-- The ingest → row lag histogram's bucket of a lag in seconds: 0 below the
-- first bound, 12 from the last on. The bounds are LAG_BUCKET_BOUNDS_SECONDS
-- (src/shared/lib/lag-buckets.ts), by which GET /metrics names the buckets;
-- test/db/functions.test.ts proves the two lists equal.
CREATE OR REPLACE FUNCTION eventline_lag_bucket(seconds double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT width_bucket(seconds, ARRAY[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::double precision[])
$function$;
