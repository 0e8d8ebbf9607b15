/**
 * Deletes a chunk of the cells (and distinct sets) of one retired
 * definition version, and forgets the version once none are left. The cron
 * calls it until nothing is retired or its budget is spent: each call is one
 * short statement, whatever the size of what a DELETE or PUT left behind.
 * Concurrent cron runs take different versions (SKIP LOCKED).
 */
import type { RawSql } from "../client.ts";

/** $1 rows per table per chunk. */
const PURGE_SQL = `
    WITH r AS (
      SELECT cells_id FROM rollup_retired_cells ORDER BY retired_at, cells_id LIMIT 1 FOR UPDATE SKIP LOCKED
    ), cells AS (
      DELETE FROM rollup_cells c
      WHERE (c.rollup_id, c.bucket, c.dims_key, c.measure) IN (
        SELECT x.rollup_id, x.bucket, x.dims_key, x.measure FROM rollup_cells x, r WHERE x.rollup_id = r.cells_id LIMIT $1
      )
      RETURNING 1
    ), sets AS (
      DELETE FROM rollup_distinct_sets v
      WHERE (v.rollup_id, v.cell_key) IN (
        SELECT x.rollup_id, x.cell_key FROM rollup_distinct_sets x, r WHERE x.rollup_id = r.cells_id LIMIT $1
      )
      RETURNING 1
    ), forgotten AS (
      DELETE FROM rollup_retired_cells x USING r
      WHERE x.cells_id = r.cells_id AND (SELECT count(*) FROM cells) < $1 AND (SELECT count(*) FROM sets) < $1
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM r)::int AS versions, ((SELECT count(*) FROM cells) + (SELECT count(*) FROM sets))::int AS deleted`;

/** Rows deleted; `versions` 0 when nothing is retired (or another run holds what is). */
export async function purgeRetiredCells(db: RawSql, limit: number): Promise<{ versions: number; deleted: number }> {
  const [r] = await db.$queryRawUnsafe<{ versions: number; deleted: number }[]>(PURGE_SQL, limit);
  return r ?? { versions: 0, deleted: 0 };
}
