/**
 * Creates or replaces a rollup definition in one statement. A new version
 * gets new cells (a new cells_id) and starts its backfill; the old version's
 * cells are retired, for the cron to delete chunk by chunk, so the request
 * answers at once however much data the old version had. A replace that
 * changes nothing changes nothing (not even the version).
 *
 * The split between backfill and runs is a transaction id: every transaction
 * below the snapshot's xmin has ended, so the events written below it are
 * the backfill's (all visible to it), and every event written from it on is
 * for the runs, which start their watermark there.
 *
 * Two operators saving the same name at once: the second waits on the row and
 * replaces what the first saved (its cells retired in turn); nothing is lost
 * or counted twice.
 */
import type { RawSql } from "../client.ts";

/** $1 name, $2 definition (json text), $3 the most definitions a deployment may hold. */
const SAVE_SQL = `
    WITH horizon AS (
      SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xid
    ), start AS (
      -- The backfill reads from the oldest receipt still kept: the history (before any partition) unless retention took it.
      SELECT coalesce(l.expired_before, '-infinity') AS next FROM event_lifecycle l WHERE l.id = 1
    ), old AS (
      SELECT d.cells_id, d.definition FROM rollup_definitions d WHERE d.name = $1 FOR UPDATE
    ), saved AS (
      INSERT INTO rollup_definitions AS d (name, cells_id, definition, backfill_before_xid, backfill_next, watermark_xid)
      SELECT $1, gen_random_uuid(), $2::json, h.xid, s.next, h.xid
      FROM horizon h, start s
      WHERE EXISTS (SELECT 1 FROM old) OR (SELECT count(*) FROM rollup_definitions) < $3
      ON CONFLICT (name) DO UPDATE SET
        cells_id = EXCLUDED.cells_id,
        definition = EXCLUDED.definition,
        version = d.version + 1,
        backfill_before_xid = EXCLUDED.backfill_before_xid,
        backfill_next = EXCLUDED.backfill_next,
        watermark_xid = EXCLUDED.watermark_xid,
        covered_from = NULL,
        skipped = 0,
        last_run_at = NULL,
        updated_at = now()
      WHERE d.definition::text IS DISTINCT FROM EXCLUDED.definition::text
      RETURNING (xmax = 0) AS created
    ), retired AS (
      INSERT INTO rollup_retired_cells (cells_id)
      SELECT old.cells_id FROM old WHERE EXISTS (SELECT 1 FROM saved)
      ON CONFLICT DO NOTHING
    )
    SELECT CASE
      WHEN EXISTS (SELECT 1 FROM saved WHERE created) THEN 'created'
      WHEN EXISTS (SELECT 1 FROM saved) THEN 'replaced'
      WHEN EXISTS (SELECT 1 FROM old) THEN 'unchanged'
      ELSE 'limit'
    END AS outcome`;

export type SaveOutcome = "created" | "replaced" | "unchanged" | "limit";

export async function saveDefinition(db: RawSql, name: string, definition: unknown, maxDefinitions: number): Promise<SaveOutcome> {
  const [r] = await db.$queryRawUnsafe<{ outcome: SaveOutcome }[]>(SAVE_SQL, name, JSON.stringify(definition), maxDefinitions);
  return r!.outcome;
}
