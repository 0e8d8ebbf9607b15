// Reads prisma/migrations in the shape the schema engine expects (the same
// layout `prisma migrate dev` writes, so `prisma migrate deploy` works unchanged).
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export const MIGRATIONS_DIR = resolve("prisma/migrations");
export const SCHEMA_PATH = resolve("prisma/schema.prisma");
/** The schema as of the newest migration: new migrations are the diff from this file to schema.prisma. */
export const SNAPSHOT_PATH = resolve("prisma/migrations/.schema-at-last-migration.prisma");

export async function readMigrationsList() {
  const lockPath = join(MIGRATIONS_DIR, "migration_lock.toml");
  const names = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: await readFile(join(MIGRATIONS_DIR, name, "migration.sql"), "utf8") },
      },
    })),
  );
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}
