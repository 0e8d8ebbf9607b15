-- The shard of a hot row (a rollup delta, a stage counter, a lag bucket) a
-- statement writes: its connection's backend. A connection runs one statement
-- at a time, so two statements never wait on each other's row, however many
-- consumers write the same key at once; readers sum the shards.
CREATE OR REPLACE FUNCTION eventline_shard() RETURNS integer
LANGUAGE sql STABLE PARALLEL RESTRICTED AS $function$
  SELECT pg_backend_pid()
$function$;
