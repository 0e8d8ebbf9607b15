// The backfill statement before events was partitioned (src/consumer/db/recompute-range.ts as of
// commit abce120): it found the (source, type) pairs by skipping through their index
// one probe per pair. bench/lifecycle.ts runs it on the unpartitioned layout as the
// baseline of a full rollup run. $1 from, $2 to, $3 source, $4 type (null: all).
import { utcDay } from "../../src/consumer/db/sql-fragments.ts";

export const RECOMPUTE_SQL_BEFORE_PARTITIONING = `
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
