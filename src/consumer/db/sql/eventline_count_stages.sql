-- Adds to today's stage counters (GET /admin/stats), in this connection's
-- shard: each statement that does a stage's work counts it, named by argument
-- (eventline_count_stages(replayed => n)); the stages it leaves out add 0.
-- PL/pgSQL, not SQL: its statement's plan is cached for the connection.
CREATE OR REPLACE FUNCTION eventline_count_stages(
  accepted bigint DEFAULT 0, written bigint DEFAULT 0, duplicates bigint DEFAULT 0, expired bigint DEFAULT 0,
  retried bigint DEFAULT 0, dead_lettered bigint DEFAULT 0, replayed bigint DEFAULT 0
) RETURNS void LANGUAGE plpgsql AS $function$
BEGIN
  INSERT INTO stage_counters AS c (day, shard, accepted, written, duplicates, expired, retried, dead_lettered, replayed)
  VALUES ((now() AT TIME ZONE 'UTC')::date, eventline_shard(), accepted, written, duplicates, expired, retried, dead_lettered, replayed)
  ON CONFLICT (day, shard) DO UPDATE SET
    accepted = c.accepted + EXCLUDED.accepted,
    written = c.written + EXCLUDED.written,
    duplicates = c.duplicates + EXCLUDED.duplicates,
    expired = c.expired + EXCLUDED.expired,
    retried = c.retried + EXCLUDED.retried,
    dead_lettered = c.dead_lettered + EXCLUDED.dead_lettered,
    replayed = c.replayed + EXCLUDED.replayed;
END
$function$;
