// Database functions (src/consumer/db/functions.ts) travel in migrations, between
// markers, so that `prisma migrate deploy` creates them too. A function's
// current definition is the one in its newest migration.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DATABASE_FUNCTIONS } from "../../src/consumer/db/functions.ts";
import { MIGRATIONS_DIR } from "./migrations-dir.ts";

const begin = (name: string) => `-- eventline function: ${name}`;
const END = "-- end eventline function";

/**
 * Each function's definition as its newest migration has it, or, with
 * `upTo` (a migration's folder name), as the migrations up to that one had it.
 */
export async function migratedFunctions(upTo?: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const dirs = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && (upTo === undefined || d.name <= upTo))
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    const sql = await readFile(join(MIGRATIONS_DIR, dir, "migration.sql"), "utf8");
    for (const m of sql.matchAll(/^-- eventline function: (\S+)\n([\s\S]*?)\n-- end eventline function$/gm)) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The migration text that brings every function whose definition changed up to date ("" when none did). */
export async function changedFunctionsScript(): Promise<string> {
  const migrated = await migratedFunctions();
  return DATABASE_FUNCTIONS.filter((f) => migrated.get(f.name) !== f.sql)
    .map((f) => `${begin(f.name)}\n${f.sql}\n${END}\n`)
    .join("\n");
}
