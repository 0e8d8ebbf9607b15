/**
 * Backfill: recomputes the rollups of a day range (optionally one source
 * and/or type) straight from events, in one statement: the GROUP BY the
 * rollup replaces, upserted, plus removal of rollup rows the range no longer
 * supports and of the range's dirty keys (this statement saw every event they
 * stood for; a key re-marked by an insert after its snapshot survives, so the
 * next run still picks that insert up).
 */
import type { RawSql } from "./client.ts";

export interface RangeFilter {
  from: Date;
  to: Date;
  source?: string;
  type?: string;
}

export async function recomputeRange(db: RawSql, f: RangeFilter): Promise<{ keys: number; rows: number }> {
  const source = f.source ?? null;
  const type = f.type ?? null;
  const [r] = await db.$queryRaw<{ keys: number; rows: number }[]>`
    WITH agg AS (
      SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, source, type, count(*)::int AS n, min(occurred_at) AS first, max(occurred_at) AS last
      FROM events
      WHERE occurred_at >= ${f.from} AND occurred_at < ${f.to}
        AND (${source}::text IS NULL OR source = ${source}::text)
        AND (${type}::text IS NULL OR type = ${type}::text)
      GROUP BY 1, 2, 3
    ), upserted AS (
      INSERT INTO daily_rollups (day, source, type, count, first_occurred_at, last_occurred_at, updated_at)
      SELECT day, source, type, n, first, last, now() FROM agg
      ON CONFLICT (day, source, type) DO UPDATE SET
        count = EXCLUDED.count,
        first_occurred_at = EXCLUDED.first_occurred_at,
        last_occurred_at = EXCLUDED.last_occurred_at,
        updated_at = now()
      RETURNING 1
    ), stale AS (
      DELETE FROM daily_rollups r
      WHERE r.day >= (${f.from} AT TIME ZONE 'UTC')::date AND r.day < (${f.to} AT TIME ZONE 'UTC')::date
        AND (${source}::text IS NULL OR r.source = ${source}::text)
        AND (${type}::text IS NULL OR r.type = ${type}::text)
        AND NOT EXISTS (SELECT 1 FROM agg a WHERE a.day = r.day AND a.source = r.source AND a.type = r.type)
    ), cleared AS (
      DELETE FROM rollup_dirty_keys d
      WHERE d.day >= (${f.from} AT TIME ZONE 'UTC')::date AND d.day < (${f.to} AT TIME ZONE 'UTC')::date
        AND (${source}::text IS NULL OR d.source = ${source}::text)
        AND (${type}::text IS NULL OR d.type = ${type}::text)
    )
    SELECT (SELECT count(*) FROM agg)::int AS keys, (SELECT count(*) FROM upserted)::int AS rows`;
  return r ?? { keys: 0, rows: 0 };
}
