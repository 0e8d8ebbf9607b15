// PGlite is a single session shared by every connection. These tests pin
// down that concurrent clients never see each other's results, through the
// socket directly and through Prisma's pg adapter (docs/contributing.md: the naive
// sharing returned other clients' rows under exactly this load).
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "../../../src/generated/prisma-node/client.ts";
import { type LocalDatabase, startLocalDatabase } from "../../support/local-database.ts";

let db: LocalDatabase;
beforeAll(async () => {
  db = await startLocalDatabase();
});
afterAll(() => db?.stop());

const CLIENTS = 10;
const ROUNDS = 10;
const big = (client: number, round: number) => `${client}:${round}:`.padEnd(200 * 1024, String.fromCharCode(97 + ((client + round) % 26)));

describe("embedded Postgres under concurrent clients", () => {
  it("gives each of 10 direct connections its own results for 200 KB parameters, with and without transactions", async () => {
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const c = new pg.Client({ connectionString: db.directUrl });
        await c.connect();
        return c;
      }),
    );
    let wrong = 0;
    let errors = 0;
    try {
      await Promise.all(
        clients.map(async (c, i) => {
          for (let r = 0; r < ROUNDS; r++) {
            try {
              // Odd rounds run bare extended-protocol queries, even rounds inside a transaction.
              const tx = r % 2 === 0;
              if (tx) await c.query("BEGIN");
              const res = await c.query("SELECT $1::text AS s, $2::int AS i, length($1::text) AS n", [big(i, r), i]);
              if (tx) await c.query("COMMIT");
              const row = res.rows[0];
              if (row.s !== big(i, r) || row.i !== i || row.n !== 200 * 1024) wrong++;
            } catch {
              errors++;
            }
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    expect({ wrong, errors }).toEqual({ wrong: 0, errors: 0 });
  });

  it("gives each of 10 concurrent Prisma clients (adapter-pg, as the Worker's) its own results for 200 KB parameters", async () => {
    const clients = Array.from(
      { length: CLIENTS },
      () => new PrismaClient({ adapter: new PrismaPg({ connectionString: db.directUrl, max: 1 }) }),
    );
    let wrong = 0;
    let errors = 0;
    await Promise.all(
      clients.map(async (client, i) => {
        for (let r = 0; r < ROUNDS; r++) {
          try {
            const rows = await client.$queryRaw<{ s: string; i: number }[]>`SELECT ${big(i, r)}::text AS s, ${i}::int AS i`;
            if (rows[0]?.s !== big(i, r) || rows[0]?.i !== i) wrong++;
          } catch {
            errors++;
          }
        }
      }),
    );
    await Promise.all(clients.map((c) => c.$disconnect()));
    expect({ wrong, errors }).toEqual({ wrong: 0, errors: 0 });
  });

  it("rolls back a transaction left open by a client that disconnects, so the next client is not inside it", async () => {
    const a = new pg.Client({ connectionString: db.directUrl });
    await a.connect();
    await a.query("BEGIN");
    await a.query("CREATE TEMP TABLE IF NOT EXISTS leftover (x int)");
    a.end(); // vanish mid-transaction
    const b = new pg.Client({ connectionString: db.directUrl });
    await b.connect();
    try {
      const res = await b.query("SELECT now() = statement_timestamp() AS outside_tx");
      expect(res.rows[0].outside_tx).toBe(true);
    } finally {
      await b.end();
    }
  });
});
