/**
 * Claims up to `limit` pending rollup deltas, adds them to their
 * daily_rollups rows and deletes them, in one statement: no event rows are
 * read, and claim + apply commit together. If the statement fails, the deltas
 * stay and the next run applies them; a delta is never applied twice, because
 * applying it is deleting it.
 *
 * A key's delta adds to its row by eventline_rollup_sum, the rule the
 * consumer's statement adds rows to deltas by.
 *
 * Cost follows the number of keys written since the last run, not the number
 * of events in those days: a late event for an old, busy day costs the same
 * as one for today.
 *
 * A key has a delta row per shard (the writing connection); a chunk may take
 * some of a key's shards and the next chunk the rest: both add, so the result
 * is the same. A consumer writing a shard row this statement holds waits,
 * then finds the row gone and starts a new one for the next run. SKIP LOCKED
 * lets concurrent runs share the work; the shared rollup lock keeps them out
 * of a backfill's way (see rollup-lock.ts).
 */
import type { RawSql } from "./client.ts";
import { SHARED_ROLLUP_LOCK } from "./rollup-lock.ts";

export interface DeltaChunkResult {
  /** Delta rows claimed and applied (a key has one per shard). */
  claimed: number;
  /** daily_rollups rows inserted or updated. */
  rows: number;
}

/** $1 delta rows to claim. A key's shards are summed before its rollup row is touched once. */
const APPLY_SQL = `
    WITH claimed AS (
      DELETE FROM rollup_deltas d
      WHERE (d.day, d.source, d.type, d.shard) IN (
        SELECT day, source, type, shard FROM rollup_deltas
        ORDER BY day, source, type, shard
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      )
      AND ${SHARED_ROLLUP_LOCK}
      RETURNING d.day, d.source, d.type, d.count, d.first_occurred_at, d.last_occurred_at
    ), keys AS (
      SELECT day, source, type, sum(count)::int AS count, min(first_occurred_at) AS first_occurred_at, max(last_occurred_at) AS last_occurred_at
      FROM claimed GROUP BY 1, 2, 3
    ), upserted AS (
      INSERT INTO daily_rollups AS r (day, source, type, count, first_occurred_at, last_occurred_at, updated_at)
      SELECT day, source, type, count, first_occurred_at, last_occurred_at, now() FROM keys
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type) DO UPDATE SET (count, first_occurred_at, last_occurred_at) = (
        SELECT * FROM eventline_rollup_sum(r.count, r.first_occurred_at, r.last_occurred_at,
          EXCLUDED.count, EXCLUDED.first_occurred_at, EXCLUDED.last_occurred_at)
      ), updated_at = now()
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM claimed)::int AS claimed, (SELECT count(*) FROM upserted)::int AS rows`;

export async function applyRollupDeltas(db: RawSql, limit: number): Promise<DeltaChunkResult> {
  const [r] = await db.$queryRawUnsafe<DeltaChunkResult[]>(APPLY_SQL, limit);
  return r ?? { claimed: 0, rows: 0 };
}
