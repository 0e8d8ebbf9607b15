// Prisma's schema cannot say that events is partitioned, and `prisma migrate`
// has been seen proposing to drop partitions. The partitioning lives in the
// migrations; this shows Prisma's own diff stays quiet about it: between the
// migrations and schema.prisma, and between a live database whose partitions
// the cron has created and dropped and schema.prisma (real PostgreSQL, which
// the diff needs for its shadow database).
import { readFile } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { readMigrationsList, SCHEMA_PATH } from "../../scripts/db/migrations-dir.ts";
import { pgRawSql } from "../../scripts/db/pg-raw-sql.ts";
import { openSchemaEngine } from "../../scripts/db/schema-engine.ts";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { dropExpiredTables } from "../../src/consumer/db/drop-expired-tables.ts";

const EMPTY = "-- This is an empty migration.";
const filters = { externalTables: [], externalEnums: [] };

let server: RealPostgres;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" });
}, 60_000);
afterAll(() => server?.stop());

async function diff(url: string, from: unknown): Promise<string> {
  const { engine, close } = await openSchemaEngine(url, SCHEMA_PATH);
  try {
    const schema = await readFile(SCHEMA_PATH, "utf8");
    const to = { tag: "schemaDatamodel" as const, files: [{ path: SCHEMA_PATH, content: schema }] };
    const r = await engine.diff({ from: from as never, to, script: true, exitCode: null, filters });
    return (r.stdout ?? "").trim();
  } finally {
    await close();
  }
}

describe("prisma migrate diff on the partitioned layout", () => {
  it("finds nothing between the migrations and schema.prisma", async () => {
    // A database of its own: a diff from migrations replays them on the engine's own connection.
    expect(await diff(await server.createDatabase("shadow"), { tag: "migrations", ...(await readMigrationsList()) })).toBe(EMPTY);
  }, 120_000);

  it("finds nothing between a live database, after partitions came and went, and schema.prisma", async () => {
    const url = await server.createDatabase("live");
    await applyMigrations(url);
    const c = new pg.Client(url);
    await c.connect();
    try {
      // Days and ledger generations created ahead, and the old ones taken out by retention.
      const { rows } = await c.query<{ r: { created: number; dropped: number } }>(
        "SELECT eventline_maintain_events(current_date + 200, 30, 20, 30) AS r",
      );
      expect(rows[0]!.r.created).toBeGreaterThan(30);
      expect(rows[0]!.r.dropped).toBeGreaterThan(0);
      // And the tables taken out dropped, as the cron's next step does.
      expect(await dropExpiredTables(pgRawSql(c))).not.toEqual([]);
    } finally {
      await c.end();
    }
    const schema = await readFile(SCHEMA_PATH, "utf8");
    expect(await diff(url, { tag: "schemaDatasource", files: [{ path: SCHEMA_PATH, content: schema }], configDir: process.cwd() })).toBe(
      EMPTY,
    );
  }, 120_000);
});
