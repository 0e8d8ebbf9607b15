/**
 * One event by its key (eventline_find_event, src/consumer/db/sql/eventline_find_event.sql), and
 * whether it expired: `expired` when no partition holds it but the dedupe
 * ledger remembers its id, i.e. retention dropped it (a 410, not a 404: it was
 * stored once). The second question is asked only when the event is absent.
 */
import type { RawSql } from "./client.ts";

const FIND_SQL = "SELECT * FROM eventline_find_event($1, $2)";
const REMEMBERED_SQL = "SELECT EXISTS (SELECT 1 FROM event_ids WHERE source = $1 AND id = $2) AS remembered";

interface EventRow {
  source: string;
  id: string;
  type: string;
  occurred_at: Date;
  received_at: Date;
  written_at: Date;
  payload: unknown;
  attributes: unknown;
}

export async function getEvent(db: RawSql, source: string, id: string) {
  const [row] = await db.$queryRawUnsafe<EventRow[]>(FIND_SQL, source, id);
  if (row) {
    const event = {
      source: row.source,
      id: row.id,
      type: row.type,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
      writtenAt: row.written_at,
      payload: row.payload,
      attributes: row.attributes,
    };
    return { event, expired: false };
  }
  const [r] = await db.$queryRawUnsafe<{ remembered: boolean }[]>(REMEMBERED_SQL, source, id);
  return { event: null, expired: r?.remembered ?? false };
}
