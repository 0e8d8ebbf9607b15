// Applies prisma/migrations to DIRECT_URL with Prisma's wasm schema engine:
// the offline equivalent of `prisma migrate deploy` (same migrations table,
// same checksums), so either tool can take over from the other.

import { readMigrationsList, SCHEMA_PATH } from "./migrations-dir.ts";
import { openSchemaEngine } from "./schema-engine.ts";

/** `through`: apply the migrations up to and including this one only (benchmarks and tests of an older layout). */
export async function applyMigrations(directUrl: string, through?: string): Promise<string[]> {
  const { engine, close } = await openSchemaEngine(directUrl, SCHEMA_PATH);
  try {
    const list = await readMigrationsList();
    if (through !== undefined) {
      if (!list.migrationDirectories.some((d) => d.path === through)) throw new Error(`no migration ${through}`);
      list.migrationDirectories = list.migrationDirectories.filter((d) => d.path <= through);
    }
    const out = await engine.applyMigrations({
      migrationsList: list,
      filters: { externalTables: [], externalEnums: [] },
    });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}

if (import.meta.main) {
  const url = process.env.DIRECT_URL;
  if (!url) {
    console.error("db:migrate: DIRECT_URL is not set (a direct postgres:// URL, never the Hyperdrive pool). See .env.example.");
    process.exit(2);
  }
  try {
    const applied = await applyMigrations(url);
    console.log(applied.length ? `db:migrate: applied ${applied.join(", ")}` : "db:migrate: database is up to date");
  } catch (err) {
    console.error("db:migrate: failed:", err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
