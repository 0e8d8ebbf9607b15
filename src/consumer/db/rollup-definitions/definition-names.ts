/** The names of every definition, in order: what a cron run keeps current. */
import type { RawSql } from "../client.ts";

const NAMES_SQL = "SELECT name FROM rollup_definitions ORDER BY name";

export async function definitionNames(db: RawSql): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ name: string }[]>(NAMES_SQL);
  return rows.map((r) => r.name);
}
