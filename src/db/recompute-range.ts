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
 * Deltas still pending for the range (all shards) are left alone and subtracted instead:
 * the recomputed row holds the events of this snapshot minus those the pending
 * deltas will add, so the next run brings it exactly to the events, including
 * writes that landed after the snapshot (a consumer adds those to the same
 * delta rows). Runs by the exclusive rollup lock, so no run applies a delta
 * between this statement reading it and committing.
 */
import type { RawSql } from "./client.ts";
import { underExclusiveRollupLock } from "./rollup-lock.ts";
import { utcDay } from "./sql-fragments.ts";
import { timestamptzText } from "./timestamptz-text.ts";

export interface RangeFilter {
  from: Date;
  to: Date;
  source?: string;
  type?: string;
}

/** $1 from, $2 to (timestamptz text), $3 source, $4 type (null: all). */
const RECOMPUTE_SQL = `
    WITH RECURSIVE pairs AS (
      (SELECT source, type FROM events WHERE $3::text IS NULL OR source = $3::text ORDER BY source, type LIMIT 1)
      UNION ALL
      SELECT n.source, n.type FROM pairs p CROSS JOIN LATERAL (
        SELECT e.source, e.type FROM events e
        WHERE (e.source, e.type) > (p.source, p.type) AND ($3::text IS NULL OR e.source = $3::text)
        ORDER BY e.source, e.type LIMIT 1
      ) n
    ), agg AS (
      SELECT s.day, p.source, p.type, s.n, s.first, s.last
      FROM pairs p CROSS JOIN LATERAL (
        SELECT ${utcDay("e.occurred_at")} AS day, count(*)::int AS n, min(e.occurred_at) AS first, max(e.occurred_at) AS last
        FROM events e
        WHERE e.source = p.source AND e.type = p.type AND e.occurred_at >= $1::timestamptz AND e.occurred_at < $2::timestamptz
        GROUP BY 1
      ) s
      WHERE $4::text IS NULL OR p.type = $4::text
    ), pending AS (
      SELECT day, source, type, sum(count) AS count FROM rollup_deltas
      WHERE day >= ${utcDay("$1::timestamptz")} AND day < ${utcDay("$2::timestamptz")}
      GROUP BY 1, 2, 3
    ), net AS (
      SELECT a.day, a.source, a.type, a.n - coalesce(p.count, 0) AS n, a.first, a.last
      FROM agg a LEFT JOIN pending p ON p.day = a.day AND p.source = a.source AND p.type = a.type
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
      WHERE r.day >= ${utcDay("$1::timestamptz")} AND r.day < ${utcDay("$2::timestamptz")}
        AND ($3::text IS NULL OR r.source = $3::text)
        AND ($4::text IS NULL OR r.type = $4::text)
        AND NOT EXISTS (SELECT 1 FROM net a WHERE a.day = r.day AND a.source = r.source AND a.type = r.type AND a.n > 0)
    )
    SELECT (SELECT count(*) FROM agg)::int AS keys, (SELECT count(*) FROM upserted)::int AS rows`;

export async function recomputeRange(db: RawSql, f: RangeFilter): Promise<{ keys: number; rows: number }> {
  const [r] = await underExclusiveRollupLock(
    db,
    db.$queryRawUnsafe<{ keys: number; rows: number }[]>(
      RECOMPUTE_SQL,
      timestamptzText(f.from),
      timestamptzText(f.to),
      f.source ?? null,
      f.type ?? null,
    ),
  );
  return r ?? { keys: 0, rows: 0 };
}
