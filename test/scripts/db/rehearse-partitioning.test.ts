// The rehearsal command an operator runs on a restored copy of production
// (npm run db:rehearse-partitioning), as a process, on a real PostgreSQL
// still on the layout before partitioning.
import { spawnSync } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../../scripts/db/migrate.ts";
import { BEFORE_PARTITIONING, fillOldLayout, PARTITIONING_STEPS } from "../../../scripts/db/partitioning-rehearsal.ts";
import { REHEARSAL_SOURCE } from "../../../scripts/db/rehearse-partitioning.ts";
import { type RealPostgres, startRealPostgres } from "../../../scripts/lib/real-postgres.ts";

let server: RealPostgres;
let client: pg.Client;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" });
  await applyMigrations(server.url, BEFORE_PARTITIONING);
  client = new pg.Client(server.url);
  await client.connect();
  await fillOldLayout(client, 10_000);
}, 120_000);
afterAll(async () => {
  await client?.end();
  await server?.stop();
});

const rehearse = (...args: string[]) =>
  spawnSync(process.execPath, ["scripts/db/rehearse-partitioning.ts", ...args], {
    env: { ...process.env, DIRECT_URL: server.url },
    encoding: "utf8",
    timeout: 120_000,
  });
const partitioned = async () =>
  (await client.query<{ kind: string }>("SELECT relkind::text AS kind FROM pg_class WHERE relname = 'events'")).rows[0]!.kind === "p";

describe("npm run db:rehearse-partitioning", () => {
  it("refuses without --copy and changes nothing", async () => {
    const run = rehearse();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("refusing without --copy");
    expect(await partitioned()).toBe(false);
  });

  it("partitions the copy step by step with a writer running, and reports each step", async () => {
    const run = rehearse("--copy");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("10000 events; applying 5 steps");
    for (const step of PARTITIONING_STEPS) expect(run.stdout).toMatch(new RegExp(`^${step}\\t\\d+\\t\\d+\\t\\d+$`, "m"));
    expect(await partitioned()).toBe(true);
    const { rows } = await client.query<{ old: number; rehearsal: number }>(
      "SELECT count(*) FILTER (WHERE source <> $1)::int AS old, count(*) FILTER (WHERE source = $1)::int AS rehearsal FROM events",
      [REHEARSAL_SOURCE],
    );
    expect(rows[0]!.old).toBe(10_000);
    expect(run.stdout).toContain(`the writer wrote ${rows[0]!.rehearsal} events`);
    expect(rows[0]!.rehearsal).toBeGreaterThan(0);
  });

  it("refuses a database already partitioned", () => {
    const run = rehearse("--copy");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("already partitioned");
  });
});
