// The consumer's timed statements on a real PostgreSQL: the deadline is the
// server's own (57014 from a statement that would run past it), it does not
// outlive the statement on the connection (nothing leaks through a pooler),
// and a jsonb literal carries any text exactly (seeded, checked by Postgres).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { integerLiteral, jsonbLiteral, lastRows, timedQuery } from "../../src/consumer/db/timed-statement.ts";
import { prng } from "../support/prng.ts";

let server: RealPostgres;
let client: pg.Client;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" });
  client = new pg.Client({ connectionString: server.url });
  client.on("error", () => {});
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await server?.stop();
});

describe("timed statements", () => {
  it("are cut off by the server at their deadline, and leave the connection's settings as they were", async () => {
    const err = await client.query(timedQuery(200, "SELECT pg_sleep(5)")).then(
      () => undefined,
      (e: { code?: string }) => e,
    );
    expect(err?.code).toBe("57014");
    const after = await client.query(
      "SELECT current_setting('statement_timeout') AS t, current_setting('standard_conforming_strings') AS s",
    );
    expect(after.rows[0]).toEqual({ t: "0", s: "on" });
    const within = lastRows<{ t: string }>(await client.query(timedQuery(1500, "SELECT current_setting('statement_timeout') AS t")));
    expect(within[0]!.t).toBe("1500ms");
  });

  it("carry any text exactly as a jsonb literal, whatever quotes and backslashes it holds (seeded)", async () => {
    const rng = prng(Number(process.env.FUZZ_SEED ?? 11));
    const pieces = ["'", "''", "\\", "\\'", '"', "\\n", "\n", "$$", "$x$", "é", "😀", "\t", "a", "--", "/*", ";", "E'"];
    for (let i = 0; i < 200; i++) {
      const value = { s: Array.from({ length: rng.int(12) }, () => rng.pick(pieces)).join(""), n: rng.int(1000) };
      const [row] = lastRows<{ v: unknown; n: string }>(
        await client.query(timedQuery(5000, `SELECT ${jsonbLiteral(value)} AS v, ${integerLiteral(value.n)}::text AS n`)),
      );
      expect(row!.v).toEqual(value);
      expect(row!.n).toBe(String(value.n));
    }
  });

  it("refuse a number that is not a safe integer", () => {
    for (const n of [1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) expect(() => integerLiteral(n)).toThrow(TypeError);
  });
});
