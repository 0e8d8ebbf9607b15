/**
 * Records dead letters in one statement. Keyed on `key` ("<source>/<id>", or
 * "msg:<queue message id>" for bodies that never parsed), so a letter that is
 * delivered again, or an event that fails again after a replay, updates its
 * row — attempts grow, the newest error wins, a replayed letter is pending again —
 * instead of adding a second one. A discarded letter keeps its status and
 * reason: an operator's decision is not undone by the same event failing again.
 */
import type { PgQueryable } from "./client.ts";
import { MAX_STATEMENT_MS } from "./insert-events.ts";
import { integerLiteral, jsonbLiteral, timedQuery } from "./timed-statement.ts";

export interface DeadLetterInput {
  key: string;
  source: string | null;
  eventType: string | null;
  eventId: string | null;
  /** The body as jsonb, or null when jsonb cannot hold it… */
  body: unknown;
  /** …and then the message text (dead-letter-record.ts says how it is written). */
  bodyText: string | null;
  errorCode: string;
  errorMessage: string;
  attempts: number;
}

/** LETTERS: the letters (a jsonb literal), COUNT: how many. */
const upsertSql = (letters: string, count: string) => `
    WITH upserted AS (
    INSERT INTO dead_letters (id, key, source, event_type, event_id, body, body_text, error_code, error_message, attempts)
    SELECT gen_random_uuid(), r.key, r.source, r."eventType", r."eventId", r.body, r."bodyText", r."errorCode", r."errorMessage", r.attempts
    FROM jsonb_to_recordset(${letters}) AS r(
      key text, source text, "eventType" text, "eventId" text, body jsonb, "bodyText" text, "errorCode" text, "errorMessage" text, attempts int
    )
    ON CONFLICT (key) DO UPDATE SET
      body = EXCLUDED.body,
      body_text = EXCLUDED.body_text,
      error_code = EXCLUDED.error_code,
      error_message = EXCLUDED.error_message,
      attempts = dead_letters.attempts + EXCLUDED.attempts,
      last_failed_at = now(),
      -- A discarded letter stays discarded (its new failure is recorded); a replayed one is pending again.
      status = CASE WHEN dead_letters.status = 'discarded' THEN dead_letters.status ELSE 'pending'::dead_letter_status END
    )
    SELECT eventline_count_stages(dead_lettered => ${count}::bigint)`;

export async function upsertDeadLetters(
  sql: PgQueryable,
  letters: readonly DeadLetterInput[],
  timeoutMs = MAX_STATEMENT_MS,
): Promise<void> {
  if (letters.length === 0) return;
  await sql.query(timedQuery(timeoutMs, upsertSql(jsonbLiteral(letters), integerLiteral(letters.length))));
}
