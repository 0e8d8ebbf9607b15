-- Writes a batch of events (a jsonb array of event messages) idempotently and
-- answers how many it wrote, how many copies it set aside as past retention,
-- and retention's horizon as it saw it. The rules it keeps are explained in
-- src/consumer/db/insert-events.ts and eventline_ledger_generation.sql.
CREATE OR REPLACE FUNCTION eventline_insert_events(batch jsonb, first_deliveries bigint, redeliveries bigint,
  OUT written bigint, OUT expired bigint, OUT expired_before timestamptz)
LANGUAGE plpgsql
-- Generic plans, cached per connection: a plan made for one form would leave out the other's
-- inserts, and planning the statement anew for each call costs more than it runs.
SET plan_cache_mode = force_generic_plan
AS $function$
#variable_conflict use_column
DECLARE
  probe_history boolean;
  horizon timestamptz;
  optimistic boolean := redeliveries = 0;
  attempt integer := 0;
  message text;
  known_sources text[] := '{}';
  known_ids text[] := '{}';
BEGIN
  LOOP
    -- Retention's horizon, and whether ids are still checked against events_history.
    SELECT l.history_dedupe_until > clock_timestamp(), l.expired_before, coalesce(l.expired_before, '-infinity')
    INTO probe_history, expired_before, horizon
    FROM event_lifecycle l
    WHERE l.id = 1;
    attempt := attempt + 1;
    BEGIN
      IF probe_history THEN
        -- Ids events_history holds, which the ledger never saw. A statement of its own, so it is
        -- never planned once the probe has ended (or the table is gone).
        SELECT coalesce(array_agg(h.source), '{}'), coalesce(array_agg(h.id), '{}') INTO known_sources, known_ids
        FROM jsonb_to_recordset(batch) AS b(source text, id text)
        JOIN events_history h ON h.source = b.source AND h.id = b.id;
      END IF;

      -- One statement, in either form; the other form's inserts get no rows.
      -- Optimistic (first deliveries): every row as new, without ON CONFLICT's speculative
      -- insertion; a copy the ledger or events already holds fails the statement with
      -- unique_violation, and it runs again checked. Checked: a copy is new when every ledger row it
      -- writes is new (eventline_ledger_generation.sql), and events' own key sets aside a copy whose
      -- original the ledger no longer remembers. The ledger's rows go first (events' inserts read
      -- them), each table's in key order, so no two writers wait on each other in a cycle; byte
      -- order (COLLATE "C") compares with memcmp, not the locale. A copy past retention writes no
      -- ledger row.
      WITH r AS (
        SELECT * FROM eventline_batch_rows(batch, horizon, known_sources, known_ids)
      ), receipt_days AS MATERIALIZED (
        -- The batch's receipt days (those not past retention), each one's ledger generation and
        -- ledger rows per id (2 in the generation's tail): looked up once a day, not once an event.
        SELECT d.received_day, g.generation, 1 + g.tail::integer AS ledger_rows
        FROM (SELECT DISTINCT r.received_day FROM r WHERE NOT r.expired) d
        CROSS JOIN LATERAL eventline_ledger_generation(d.received_day) g
      ), ids AS (
        SELECT g.generation + k AS generation, r.source, r.id, r.received_at
        FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS l(k)
        WHERE NOT r.expired AND k < g.ledger_rows ORDER BY r.source COLLATE "C", r.id COLLATE "C", k
      ), ids_optimistic AS (
        INSERT INTO event_ids SELECT * FROM ids WHERE optimistic RETURNING 1
      ), ids_checked AS (
        INSERT INTO event_ids SELECT * FROM ids WHERE NOT optimistic ON CONFLICT DO NOTHING RETURNING source, id
      ), fresh AS (
        SELECT r.* FROM r JOIN receipt_days g USING (received_day)
        JOIN (SELECT source, id, count(*) AS n FROM ids_checked GROUP BY 1, 2) l USING (source, id)
        WHERE l.n = g.ledger_rows AND NOT r.known
      ), events_optimistic AS (
        INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
        SELECT r.source, r.id, r.type, r.occurred_at, r.received_at, r.payload, r.attributes
        FROM r CROSS JOIN (SELECT count(*) FROM ids_optimistic) AS ledger_first
        WHERE optimistic AND NOT r.expired AND NOT r.known ORDER BY r.source COLLATE "C", r.id COLLATE "C"
        RETURNING source, type, occurred_at, received_at
      ), events_checked AS (
        INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
        SELECT f.source, f.id, f.type, f.occurred_at, f.received_at, f.payload, f.attributes
        FROM fresh f ORDER BY f.source COLLATE "C", f.id COLLATE "C"
        ON CONFLICT (source, id, received_at) DO NOTHING
        RETURNING source, type, occurred_at, received_at
      ), w AS (
        SELECT * FROM events_optimistic UNION ALL SELECT * FROM events_checked
      ), deltas AS (
        -- The rows really inserted, added to their (day, source, type) rollup deltas: a late event is
        -- counted by the next rollup run however old its day, and a duplicate never is.
        INSERT INTO rollup_deltas AS d (day, source, type, shard, count, first_occurred_at, last_occurred_at)
        SELECT (w.occurred_at AT TIME ZONE 'UTC')::date, w.source, w.type, eventline_shard(), count(*), min(w.occurred_at), max(w.occurred_at)
        FROM w GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, source, type, shard) DO UPDATE SET (count, first_occurred_at, last_occurred_at) = (
          SELECT * FROM eventline_rollup_sum(d.count, d.first_occurred_at, d.last_occurred_at,
            EXCLUDED.count, EXCLUDED.first_occurred_at, EXCLUDED.last_occurred_at)
        ), updated_at = now()
      ), lag AS (
        -- And each one's ingest → row lag.
        INSERT INTO ingest_lag AS g (hour, shard, bucket, count, sum_seconds)
        SELECT date_trunc('hour', now()), eventline_shard(), eventline_lag_bucket(s.seconds), count(*), sum(s.seconds)
        FROM (SELECT greatest(0, extract(epoch FROM clock_timestamp() - w.received_at)::double precision) AS seconds FROM w) s
        GROUP BY 3 ORDER BY 3
        ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = g.count + EXCLUDED.count, sum_seconds = g.sum_seconds + EXCLUDED.sum_seconds
      ), tally AS (
        SELECT (SELECT count(*) FROM w) AS written, (SELECT count(*) FROM r WHERE r.expired) AS expired
      ), counted AS (
        SELECT eventline_count_stages(accepted => first_deliveries, written => t.written, expired => t.expired,
          duplicates => jsonb_array_length(batch) - t.written - t.expired, retried => redeliveries)
        FROM tally t
      )
      SELECT t.written, t.expired INTO written, expired FROM tally t, counted;
      RETURN;
    EXCEPTION
      WHEN unique_violation THEN
        -- A copy of an event already written: the checked statement tells it apart.
        IF NOT optimistic THEN
          RAISE;
        END IF;
        optimistic := false;
      WHEN check_violation THEN
        GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
        IF message NOT LIKE 'no partition of relation %' THEN
          RAISE;
        END IF;
        -- A receipt day or a ledger generation without its partition yet: create it (or, for a day
        -- retention took out meanwhile, read the new horizon) and write again.
        IF attempt >= 3 THEN
          RAISE EXCEPTION 'events: % after % attempts', message, attempt USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        PERFORM eventline_add_partitions_for(batch);
    END;
  END LOOP;
END
$function$;
