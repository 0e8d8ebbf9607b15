/**
 * Backfill: recomputes the rollups of a day range (optionally one source
 * and/or type) straight from events, in one statement: the GROUP BY the
 * rollup replaces, upserted, plus removal of rollup rows the range no longer
 * supports.
 *
 * One GROUP BY over the range's events, read from each partition's
 * (occurred_at, source, type) index alone. events is partitioned by receipt
 * day, and an event occurs at most LIMITS.maxFutureSkewSeconds after its
 * receipt, so partitions received before the range's start minus that lead
 * hold none of its events and are pruned. (An earlier form found the
 * (source, type) pairs by skipping through their index one probe per pair: on
 * 400 partitions each probe visits 400 indexes, and a full run took 5× as long;
 * bench/lifecycle.ts.)
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
import { RECEIPT_LEAD_SQL, utcDay } from "./sql-fragments.ts";
import { timestamptzText } from "./timestamptz-text.ts";

export interface RangeFilter {
  from: Date;
  to: Date;
  source?: string;
  type?: string;
}

/** $1 from, $2 to (timestamptz text), $3 source, $4 type (null: all). */
const RECOMPUTE_SQL = `
    WITH agg AS (
      SELECT ${utcDay("e.occurred_at")} AS day, e.source, e.type, count(*)::int AS n, min(e.occurred_at) AS first, max(e.occurred_at) AS last
      FROM events e
      WHERE e.occurred_at >= $1::timestamptz AND e.occurred_at < $2::timestamptz
        AND e.received_at >= $1::timestamptz - ${RECEIPT_LEAD_SQL}
        AND ($3::text IS NULL OR e.source = $3::text)
        AND ($4::text IS NULL OR e.type = $4::text)
      GROUP BY 1, 2, 3
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
