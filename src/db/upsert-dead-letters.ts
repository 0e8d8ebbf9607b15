/**
 * Records dead letters in one statement. Keyed on `key` ("<source>/<id>", or
 * "msg:<queue message id>" for bodies that never parsed), so a letter that is
 * delivered again, or an event that fails again after a replay, updates its
 * row — attempts grow, the newest error wins, status returns to pending —
 * instead of adding a second one.
 */
import type { RawSql } from "./client.ts";

export interface DeadLetterInput {
  key: string;
  source: string | null;
  eventType: string | null;
  eventId: string | null;
  body: unknown;
  errorCode: string;
  errorMessage: string;
  attempts: number;
}

export async function upsertDeadLetters(db: RawSql, letters: readonly DeadLetterInput[]): Promise<number> {
  if (letters.length === 0) return 0;
  return db.$executeRaw`
    WITH counted AS (
      INSERT INTO stage_counters (day, stage, count)
      VALUES ((now() AT TIME ZONE 'UTC')::date, 'dead_lettered', ${letters.length}::bigint)
      ON CONFLICT (day, stage) DO UPDATE SET count = stage_counters.count + EXCLUDED.count
    )
    INSERT INTO dead_letters (id, key, source, event_type, event_id, body, error_code, error_message, attempts)
    SELECT gen_random_uuid(), r.key, r.source, r."eventType", r."eventId", r.body, r."errorCode", r."errorMessage", r.attempts
    FROM jsonb_to_recordset(${JSON.stringify(letters)}::jsonb) AS r(
      key text, source text, "eventType" text, "eventId" text, body jsonb, "errorCode" text, "errorMessage" text, attempts int
    )
    ON CONFLICT (key) DO UPDATE SET
      body = EXCLUDED.body,
      error_code = EXCLUDED.error_code,
      error_message = EXCLUDED.error_message,
      attempts = dead_letters.attempts + EXCLUDED.attempts,
      last_failed_at = now(),
      status = 'pending'`;
}
