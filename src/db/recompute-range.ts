/**
 * Backfill: recomputes the rollups of a day range (optionally one source
 * and/or type) straight from events, in one statement: the GROUP BY the
 * rollup replaces, upserted, plus removal of rollup rows the range no longer
 * supports.
 *
 * Aggregated per (source, type) pair: the pairs are found by skipping through
 * the (source, type, occurred_at) index one probe per pair, and each pair's
 * days are an index-only range scan of the same index. Measured as fast as
 * the bare GROUP BY over the table (bench/rollup), where a range scan of the
 * occurred_at index has to visit the heap for source and type.
 *
 * Deltas still pending for the range are left alone and subtracted instead:
 * the recomputed row holds the events of this snapshot minus those the pending
 * deltas will add, so the next run brings it exactly to the events, including
 * writes that landed after the snapshot (a consumer adds those to the same
 * delta rows). Runs by the exclusive rollup lock, so no run applies a delta
 * between this statement reading it and committing.
 */
import type { RawSql } from "./client.ts";
import { underExclusiveRollupLock } from "./rollup-lock.ts";
import { timestamptzText } from "./timestamptz-text.ts";

export interface RangeFilter {
  from: Date;
  to: Date;
  source?: string;
  type?: string;
}

export async function recomputeRange(db: RawSql, f: RangeFilter): Promise<{ keys: number; rows: number }> {
  const from = timestamptzText(f.from);
  const to = timestamptzText(f.to);
  const source = f.source ?? null;
  const type = f.type ?? null;
  const [r] = await underExclusiveRollupLock(
    db,
    db.$queryRaw<{ keys: number; rows: number }[]>`
    WITH RECURSIVE pairs AS (
      (SELECT source, type FROM events WHERE ${source}::text IS NULL OR source = ${source}::text ORDER BY source, type LIMIT 1)
      UNION ALL
      SELECT n.source, n.type FROM pairs p CROSS JOIN LATERAL (
        SELECT e.source, e.type FROM events e
        WHERE (e.source, e.type) > (p.source, p.type) AND (${source}::text IS NULL OR e.source = ${source}::text)
        ORDER BY e.source, e.type LIMIT 1
      ) n
    ), agg AS (
      SELECT s.day, p.source, p.type, s.n, s.first, s.last
      FROM pairs p CROSS JOIN LATERAL (
        SELECT (e.occurred_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n, min(e.occurred_at) AS first, max(e.occurred_at) AS last
        FROM events e
        WHERE e.source = p.source AND e.type = p.type AND e.occurred_at >= ${from}::timestamptz AND e.occurred_at < ${to}::timestamptz
        GROUP BY 1
      ) s
      WHERE ${type}::text IS NULL OR p.type = ${type}::text
    ), net AS (
      SELECT a.day, a.source, a.type, a.n - coalesce(p.count, 0) AS n, a.first, a.last
      FROM agg a LEFT JOIN rollup_deltas p ON p.day = a.day AND p.source = a.source AND p.type = a.type
    ), upserted AS (
      INSERT INTO daily_rollups (day, source, type, count, first_occurred_at, last_occurred_at, updated_at)
      SELECT day, source, type, n, first, last, now() FROM net WHERE n > 0
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type) DO UPDATE SET
        count = EXCLUDED.count,
        first_occurred_at = EXCLUDED.first_occurred_at,
        last_occurred_at = EXCLUDED.last_occurred_at,
        updated_at = now()
      RETURNING 1
    ), stale AS (
      DELETE FROM daily_rollups r
      WHERE r.day >= (${from}::timestamptz AT TIME ZONE 'UTC')::date AND r.day < (${to}::timestamptz AT TIME ZONE 'UTC')::date
        AND (${source}::text IS NULL OR r.source = ${source}::text)
        AND (${type}::text IS NULL OR r.type = ${type}::text)
        AND NOT EXISTS (SELECT 1 FROM net a WHERE a.day = r.day AND a.source = r.source AND a.type = r.type AND a.n > 0)
    )
    SELECT (SELECT count(*) FROM agg)::int AS keys, (SELECT count(*) FROM upserted)::int AS rows`,
  );
  return r ?? { keys: 0, rows: 0 };
}
