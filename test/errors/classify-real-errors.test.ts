// classifyDbError on the errors the drivers really throw, from a real
// PostgreSQL: node-postgres's (the consumer's statements) and Prisma's over
// @prisma/adapter-pg (admin API, cron). Both shapes must give the same verdict.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { PrismaClient } from "../../src/generated/prisma-node/client.ts";
import { classifyDbError } from "../../src/shared/errors/classify-db-error.ts";
import { PermanentError } from "../../src/shared/errors/permanent-error.ts";
import { RetryableError } from "../../src/shared/errors/retryable-error.ts";

let server: RealPostgres;
let client: pg.Client;
let prisma: PrismaClient;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" });
  client = new pg.Client({ connectionString: server.url });
  client.on("error", () => {});
  await client.connect();
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: server.url }) });
});
afterAll(async () => {
  await client?.end();
  await prisma?.$disconnect();
  await server?.stop();
});

const thrown = (p: PromiseLike<unknown>) =>
  Promise.resolve(p).then(
    () => expect.fail("the statement succeeded"),
    (err: unknown) => err,
  );

describe("classifyDbError on real driver errors", () => {
  it.each([
    ["22P02", "SELECT 'x'::int"],
    ["22012", "SELECT 1/0"],
    ["57014", "SET statement_timeout = 50; SELECT pg_sleep(1)"],
    ["42P01", "SELECT * FROM no_such_table"],
  ])("gives SQLSTATE %s the same verdict through node-postgres and through Prisma", async (sqlstate, statement) => {
    const viaPg = classifyDbError(await thrown(client.query(statement)));
    // Prisma's raw queries take one statement: the timeout case sets it for the session first.
    const [first, last] = statement.includes(";") ? statement.split("; ") : [undefined, statement];
    if (first) await prisma.$executeRawUnsafe(first);
    const viaPrisma = classifyDbError(await thrown(prisma.$queryRawUnsafe(last!)));
    expect(viaPg.code).toBe(`sqlstate_${sqlstate}`);
    expect(viaPrisma.code).toBe(`sqlstate_${sqlstate}`);
    const permanent = sqlstate.startsWith("22");
    for (const c of [viaPg, viaPrisma]) expect(c).toBeInstanceOf(permanent ? PermanentError : RetryableError);
  });

  it("treats a refused connection as the database being unavailable (retryable)", async () => {
    const closed = new pg.Client({ connectionString: "postgresql://postgres:postgres@127.0.0.1:9/postgres" });
    closed.on("error", () => {});
    const c = classifyDbError(await thrown(closed.connect()));
    expect(c).toBeInstanceOf(RetryableError);
    expect(c.code).toBe("database_unavailable");
  });

  it("treats a connect or query deadline, through node-postgres and through Prisma, as the database being unavailable", async () => {
    // A server that accepts connections and never answers: a database that hangs.
    const { createServer } = await import("node:net");
    const silent = createServer((s) => s.on("error", () => {}));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const url = `postgresql://postgres:postgres@127.0.0.1:${(silent.address() as { port: number }).port}/postgres`;
    try {
      const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 300 });
      pool.on("error", () => {});
      const viaPg = classifyDbError(await thrown(pool.query("SELECT 1")));
      const viaPrisma = classifyDbError(await thrown(new PrismaClient({ adapter: new PrismaPg(pool) }).$queryRawUnsafe("SELECT 1")));
      for (const c of [viaPg, viaPrisma]) expect(c).toMatchObject({ code: "database_unavailable" });
      // Connected, then silent: the query's own deadline.
      const slow = new pg.Client({ connectionString: server.url, query_timeout: 200 });
      slow.on("error", () => {});
      await slow.connect();
      expect(classifyDbError(await thrown(slow.query("SELECT pg_sleep(2)")))).toMatchObject({ code: "database_unavailable" });
      await slow.end().catch(() => {});
    } finally {
      silent.close();
    }
  });
});
