/**
 * Definitions with their state, for GET /admin/rollups and the console: one
 * statement, `name` null for all. `rows` counts the (bucket, dimension
 * values) rows the data has, from the cells of its first measure.
 */
import type { RawSql } from "../client.ts";

export interface DefinitionState {
  name: string;
  definition: Record<string, unknown>;
  version: number;
  cellsId: string;
  state: "backfilling" | "current";
  /** While backfilling: the receipt time it has read up to (null: still in the history before the first day partition). */
  backfilledTo: Date | null;
  coveredFrom: Date | null;
  lastRunAt: Date | null;
  /** Why the last step failed (null once one succeeds). */
  lastError: string | null;
  lastErrorAt: Date | null;
  skipped: number;
  rows: number;
  createdAt: Date;
  updatedAt: Date;
}

const READ_SQL = `
    SELECT d.name, d.definition, d.version, d.cells_id::text AS "cellsId",
      CASE WHEN d.backfill_next IS NULL THEN 'current' ELSE 'backfilling' END AS state,
      CASE WHEN isfinite(d.backfill_next) THEN d.backfill_next END AS "backfilledTo",
      d.covered_from AS "coveredFrom", d.last_run_at AS "lastRunAt", d.last_error AS "lastError", d.last_error_at AS "lastErrorAt", d.skipped::float8 AS skipped,
      (SELECT count(*) FROM rollup_cells c
        WHERE c.rollup_id = d.cells_id AND c.measure = (SELECT k FROM json_object_keys(d.definition->'measures') k LIMIT 1))::float8 AS rows,
      d.created_at AS "createdAt", d.updated_at AS "updatedAt"
    FROM rollup_definitions d
    WHERE $1::text IS NULL OR d.name = $1::text
    ORDER BY d.name`;

export async function readDefinitions(db: RawSql, name: string | null = null): Promise<DefinitionState[]> {
  return db.$queryRawUnsafe<DefinitionState[]>(READ_SQL, name);
}
