/**
 * Recomputes DailyRollup for every (day, source, type) with events whose
 * occurredAt falls in [from, to), inside Postgres: no event rows leave the
 * database. Idempotent: the same range twice gives the same rows.
 */
import type { RawSql } from "./client.ts";

export async function rollupDays(db: RawSql, range: { from: Date; to: Date }): Promise<number> {
  return db.$executeRaw`
    INSERT INTO daily_rollups (day, source, type, count, first_occurred_at, last_occurred_at, updated_at)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, source, type, count(*)::int, min(occurred_at), max(occurred_at), now()
    FROM events
    WHERE occurred_at >= ${range.from} AND occurred_at < ${range.to}
    GROUP BY 1, 2, 3
    ON CONFLICT (day, source, type) DO UPDATE SET
      count = EXCLUDED.count,
      first_occurred_at = EXCLUDED.first_occurred_at,
      last_occurred_at = EXCLUDED.last_occurred_at,
      updated_at = now()`;
}
