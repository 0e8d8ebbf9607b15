-- The rows a batch of event messages (a jsonb array, as the consumer sends
-- it) writes: one event per key (source, id), its earliest receipt, so a key
-- sent twice in one batch is written once. Each row says
-- - its receipt day (UTC), whose ledger generation eventline_insert_events
--   looks up once a day, not once an event;
-- - whether it is past retention (received before `horizon`): such a copy is
--   never stored, never counted, and writes no ledger row;
-- - whether it is among the known keys (ids events_history holds).
CREATE OR REPLACE FUNCTION eventline_batch_rows(batch jsonb, horizon timestamptz, known_sources text[], known_ids text[])
RETURNS TABLE (
  source text, id text, type text, occurred_at timestamptz, received_at timestamptz, payload jsonb, attributes jsonb,
  received_day date, expired boolean, known boolean
) LANGUAGE sql STABLE AS $function$
  SELECT DISTINCT ON (r.source COLLATE "C", r.id COLLATE "C") r.source, r.id, r.type, r."occurredAt", r."receivedAt", r.payload, r.attributes,
    (r."receivedAt" AT TIME ZONE 'UTC')::date, r."receivedAt" < horizon,
    (r.source, r.id) IN (SELECT k.source, k.id FROM unnest(known_sources, known_ids) AS k(source, id))
  FROM jsonb_to_recordset(batch) AS r(
    source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
  )
  ORDER BY r.source COLLATE "C", r.id COLLATE "C", r."receivedAt"
$function$;
