/**
 * Claims up to `limit` pending rollup deltas, adds them to their
 * daily_rollups rows and deletes them, in one statement: no event rows are
 * read, and claim + apply commit together. If the statement fails, the deltas
 * stay and the next run applies them; a delta is never applied twice, because
 * applying it is deleting it.
 *
 * Cost follows the number of keys written since the last run, not the number
 * of events in those days: a late event for an old, busy day costs the same
 * as one for today.
 *
 * A consumer adding to a key while this statement holds it waits, then finds
 * the row gone and starts a new one for the next run. SKIP LOCKED lets
 * concurrent runs share the work; the shared rollup lock keeps them out of a
 * backfill's way (see rollup-lock.ts).
 */
import type { RawSql } from "./client.ts";
import { ROLLUP_LOCK_KEY } from "./rollup-lock.ts";

export interface DeltaChunkResult {
  /** Deltas claimed and applied. */
  claimed: number;
  /** daily_rollups rows inserted or updated. */
  rows: number;
}

export async function applyRollupDeltas(db: RawSql, limit: number): Promise<DeltaChunkResult> {
  const [r] = await db.$queryRaw<DeltaChunkResult[]>`
    WITH claimed AS (
      DELETE FROM rollup_deltas d
      WHERE (d.day, d.source, d.type) IN (
        SELECT day, source, type FROM rollup_deltas
        ORDER BY day, source, type
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      AND (SELECT pg_advisory_xact_lock_shared(${ROLLUP_LOCK_KEY}::bigint)::text) IS NOT NULL
      RETURNING d.day, d.source, d.type, d.count, d.first_occurred_at, d.last_occurred_at
    ), upserted AS (
      INSERT INTO daily_rollups (day, source, type, count, first_occurred_at, last_occurred_at, updated_at)
      SELECT day, source, type, count, first_occurred_at, last_occurred_at, now() FROM claimed
      ORDER BY 1, 2, 3
      ON CONFLICT (day, source, type) DO UPDATE SET
        count = daily_rollups.count + EXCLUDED.count,
        first_occurred_at = LEAST(daily_rollups.first_occurred_at, EXCLUDED.first_occurred_at),
        last_occurred_at = GREATEST(daily_rollups.last_occurred_at, EXCLUDED.last_occurred_at),
        updated_at = now()
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM claimed)::int AS claimed, (SELECT count(*) FROM upserted)::int AS rows`;
  return r ?? { claimed: 0, rows: 0 };
}
