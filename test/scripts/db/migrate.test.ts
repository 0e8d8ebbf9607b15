import { readdir } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../../scripts/db/migrate.ts";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../../scripts/local-stack/embedded-postgres.ts";

let pgServer: EmbeddedPostgres;
beforeAll(async () => {
  pgServer = await startEmbeddedPostgres();
});
afterAll(() => pgServer?.stop());

describe("offline migrations (wasm schema engine)", () => {
  it("applies every checked-in migration, records it as Prisma Migrate does, and is a no-op the second time", async () => {
    const dirs = (await readdir("prisma/migrations", { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(await applyMigrations(pgServer.url)).toEqual(dirs);
    expect(await applyMigrations(pgServer.url)).toEqual([]);

    const c = new pg.Client({ connectionString: pgServer.url });
    await c.connect();
    try {
      const applied = await c.query("SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name");
      expect(applied.rows.map((r) => r.migration_name)).toEqual(dirs);
      for (const r of applied.rows) {
        expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(r.finished_at).not.toBeNull();
      }
      const tables = await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
      expect(tables.rows.map((r) => r.tablename)).toEqual(expect.arrayContaining(["events", "dead_letters", "daily_rollups"]));
    } finally {
      await c.end();
    }
  });

  it("fails loudly when the database cannot be reached", async () => {
    await expect(applyMigrations("postgresql://postgres@127.0.0.1:1/none")).rejects.toThrow();
  });
});
