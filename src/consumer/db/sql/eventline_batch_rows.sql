-- The rows a batch of event messages (a jsonb array, as the consumer sends
-- it) writes: one event per key (source, id), its earliest receipt, so a key
-- sent twice in one batch is written once. Each row says
-- - whether it is past retention (received before `horizon`): such a copy is
--   never stored, never counted, and writes no ledger row;
-- - whether it is among the known keys (ids events_history holds);
-- - the ledger generation its receipt day writes and how many ledger rows it
--   writes: 2 when the day is in the generation's tail (the next generation
--   too), else 1. They come from `days`, `generations` and `ledger_rows`, the
--   batch's receipt days looked up once each (eventline_insert_events).
CREATE OR REPLACE FUNCTION eventline_batch_rows(batch jsonb, horizon timestamptz, known_sources text[], known_ids text[],
  days date[], generations integer[], ledger_rows integer[])
RETURNS TABLE (
  source text, id text, type text, occurred_at timestamptz, received_at timestamptz, payload jsonb, attributes jsonb,
  expired boolean, known boolean, generation integer, ledger_rows integer
) LANGUAGE sql STABLE AS $function$
  SELECT r.source, r.id, r.type, r."occurredAt", r."receivedAt", r.payload, r.attributes,
    r."receivedAt" < horizon,
    (r.source, r.id) IN (SELECT k.source, k.id FROM unnest(known_sources, known_ids) AS k(source, id)),
    generations[r.day], ledger_rows[r.day]
  FROM (
    SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.*,
      CASE WHEN r."receivedAt" >= horizon THEN array_position(days, (r."receivedAt" AT TIME ZONE 'UTC')::date) END AS day
    FROM jsonb_to_recordset(batch) AS r(
      source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
    )
    ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
  ) r
$function$;
