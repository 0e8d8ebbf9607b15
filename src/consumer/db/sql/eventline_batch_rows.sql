-- The rows a batch of event messages (a jsonb array, as the consumer sends
-- it) writes: one event per key (source, id), its earliest receipt, so a key
-- sent twice in one batch is written once. Each row says
-- - whether it is past retention (received before `horizon`): such a copy is
--   never stored, never counted, and writes no ledger row;
-- - whether it is among the known keys (ids events_history holds);
-- - the ledger generation its receipt day writes and how many ledger rows it
--   writes: 2 when the day is in the generation's tail (the next generation
--   too), else 1 (eventline_ledger_generation, looked up once a day rather
--   than once an event).
CREATE OR REPLACE FUNCTION eventline_batch_rows(batch jsonb, horizon timestamptz, known_sources text[], known_ids text[])
RETURNS TABLE (
  source text, id text, type text, occurred_at timestamptz, received_at timestamptz, payload jsonb, attributes jsonb,
  expired boolean, known boolean, generation integer, ledger_rows integer
) LANGUAGE sql STABLE AS $function$
  WITH r AS (
    SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.*, (r."receivedAt" AT TIME ZONE 'UTC')::date AS day
    FROM jsonb_to_recordset(batch) AS r(
      source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
    )
    ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
  ), receipt_days AS (
    SELECT d.day, g.generation, 1 + g.tail::integer AS ledger_rows
    FROM (SELECT DISTINCT r.day FROM r WHERE r."receivedAt" >= horizon) d
    CROSS JOIN LATERAL eventline_ledger_generation(d.day) g
  )
  SELECT r.source, r.id, r.type, r."occurredAt", r."receivedAt", r.payload, r.attributes,
    r."receivedAt" < horizon,
    (r.source, r.id) IN (SELECT k.source, k.id FROM unnest(known_sources, known_ids) AS k(source, id)),
    g.generation, g.ledger_rows
  FROM r LEFT JOIN receipt_days g USING (day)
$function$;
