/**
 * Deletes a definition; its cells are retired in the same statement and the
 * cron deletes them chunk by chunk. Answers whether there was one. Deleting
 * twice, or two operators at once: one deletes, the other finds none.
 */
import type { RawSql } from "../client.ts";

const DELETE_SQL = `
    WITH gone AS (
      DELETE FROM rollup_definitions WHERE name = $1 RETURNING cells_id
    ), retired AS (
      INSERT INTO rollup_retired_cells (cells_id) SELECT cells_id FROM gone ON CONFLICT DO NOTHING
    )
    SELECT count(*)::int AS deleted FROM gone`;

export async function deleteDefinition(db: RawSql, name: string): Promise<boolean> {
  const [r] = await db.$queryRawUnsafe<{ deleted: number }[]>(DELETE_SQL, name);
  return (r?.deleted ?? 0) > 0;
}
