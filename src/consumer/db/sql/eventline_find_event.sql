-- The lookup of one event by its key, as a database function (one round trip,
-- and a plan each pooled connection keeps): the dedupe ledger gives the
-- receipt times of the id's copies, so only their days' partitions are read;
-- an id the ledger does not hold (older than the dedupe window, or from before
-- partitioning) is looked up in every partition.
CREATE OR REPLACE FUNCTION eventline_find_event(p_source text, p_id text)
RETURNS SETOF events LANGUAGE plpgsql STABLE AS $function$
DECLARE
  receipts timestamptz[];
BEGIN
  SELECT array_agg(DISTINCT l.received_at) INTO receipts FROM event_ids l WHERE l.source = p_source AND l.id = p_id;
  IF receipts IS NOT NULL THEN
    RETURN QUERY SELECT * FROM events e
      WHERE e.source = p_source AND e.id = p_id AND e.received_at = ANY (receipts)
      ORDER BY e.received_at LIMIT 1;
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM events e WHERE e.source = p_source AND e.id = p_id ORDER BY e.received_at LIMIT 1;
END
$function$;
