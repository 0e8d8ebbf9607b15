/** The names of every definition, in order: what a cron run keeps current. */
import type { RawSql } from "../client.ts";

export async function definitionNames(db: RawSql): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM rollup_definitions ORDER BY name");
  return rows.map((r) => r.name);
}
