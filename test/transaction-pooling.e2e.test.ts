// The pipeline through a pooler in transaction mode, as Hyperdrive pools in
// production: the consumer's HYPERDRIVE binding reaches PostgreSQL through
// PgBouncer (Debian package, started here) with ONE server connection, which
// every client transaction shares. Events are written, a dead letter replayed,
// the cron run (rollups, rollups users define, life cycle), the admin API, the
// console and /metrics used; then that one server connection must carry no
// session state: settings as the server's defaults, no prepared statement,
// no advisory lock, no temporary table. Anything a client left behind would
// be there for the next one.
import { Eventline } from "@eventline/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PgBouncer, startPgBouncer } from "../scripts/lib/pgbouncer.ts";
import { type RealPostgres, startRealPostgres } from "../scripts/lib/real-postgres.ts";
import { adminApi, type Json } from "./support/admin-api.ts";
import { type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { eventually } from "./support/eventually.ts";

let server: RealPostgres;
let bouncer: PgBouncer;
let e2e: E2eStack;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" }); // correctness, not durability
  bouncer = await startPgBouncer(server.url, { poolSize: 1 });
  e2e = await startE2eStack("pooled", [], { directUrl: `${server.url}?sslmode=disable`, hyperdriveUrl: `${bouncer.url}?sslmode=disable` });
}, 180_000);
afterAll(async () => {
  await e2e?.stop();
  await bouncer?.stop();
  await server?.stop();
});

const api = adminApi(() => e2e.stack);
const admin = async (method: string, path: string, body?: unknown) => {
  const res = await api(method, path, body);
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.body;
};
const cron = async () => {
  const res = await fetch(`${e2e.stack.opsUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("15 0 * * *")}`);
  expect(res.status).toBe(200);
};
const count = async (q: string, params: unknown[] = []) => Number((await e2e.sql(q, params))[0].n);

/** One query on the pooler's only server connection. */
async function throughPool<T>(q: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: bouncer.url });
  await c.connect();
  try {
    return (await c.query(q)).rows as T[];
  } finally {
    await c.end();
  }
}

describe("through a transaction-mode pooler with one server connection", () => {
  it("writes, replays, runs the cron, serves the admin API, the console and metrics, and leaves no session state", async () => {
    const { source, apiKey, adminToken } = e2e.stack.secrets;
    const client = new Eventline({ url: e2e.stack.ingestUrl, apiKey });
    const outcomes = await client.send(
      Array.from({ length: 60 }, (_, i) => ({ id: `pooled-${i}`, type: "pooled.t", payload: { n: i % 5 } })),
    );
    await client.close();
    expect(outcomes.every((o) => o.status === "accepted")).toBe(true);
    await eventually(
      () => count("SELECT count(*) AS n FROM events WHERE type = 'pooled.t'"),
      (n) => n === 60,
      60_000,
      200,
    );

    // A dead letter, replayed through the queue into a row.
    const body = {
      v: 1,
      source,
      id: "pooled-letter",
      type: "pooled.t",
      occurredAt: new Date().toISOString(),
      receivedAt: new Date().toISOString(),
      payload: { n: 9 },
    };
    await e2e.sql(
      `INSERT INTO dead_letters (id, key, source, event_type, event_id, body, error_code, error_message)
       VALUES (gen_random_uuid(), $1, $2, 'pooled.t', 'pooled-letter', $3, 'sqlstate_23514', 'refused')`,
      [`${source}/pooled-letter`, source, body],
    );
    let job = await admin("POST", "/dead-letters/replay", { filter: { source, type: "pooled.t" } });
    while (job.status === "running") job = await admin("POST", `/replay-jobs/${job.id}/continue`);
    expect(job).toMatchObject({ status: "succeeded", enqueued: 1 });
    await eventually(
      () => count("SELECT count(*) AS n FROM events WHERE id = 'pooled-letter'"),
      (n) => n === 1,
      60_000,
      200,
    );

    // A rollup users define, computed by the cron (backfill, then a run: each a transaction of several statements).
    await admin("PUT", "/rollups/pooled", {
      source,
      type: "pooled.t",
      granularity: "day",
      dimensions: { n: "/payload/n" },
      measures: { events: "count", total: { sum: "/payload/n" }, kinds: { distinct: "/payload/n" } },
    });
    await cron();
    await cron();
    expect(await admin("GET", "/rollups/pooled")).toMatchObject({ state: "current" });
    const data = await admin("GET", `/rollups/pooled/data?from=2000-01-01&to=2100-01-01`);
    expect(data.rows.reduce((a: number, r: Json) => a + r.events, 0)).toBe(61);
    expect(data.rows.reduce((a: number, r: Json) => a + r.total, 0)).toBe((0 + 1 + 2 + 3 + 4) * 12 + 9);
    expect(await count("SELECT coalesce(sum(count), 0) AS n FROM daily_rollups WHERE type = 'pooled.t'")).toBe(61);

    // The rest of the admin API, the console and metrics.
    expect(await admin("GET", `/events/${source}/pooled-3`)).toMatchObject({ id: "pooled-3" });
    expect(await admin("GET", "/stats")).toHaveProperty("eventLifecycle");
    const login = await fetch(`${e2e.stack.opsUrl}/console/login`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: e2e.stack.opsUrl, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: adminToken, next: "/console" }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    for (const page of [
      "/console",
      "/console/dead-letters",
      "/console/rollups",
      "/console/rollup-definitions",
      "/console/rollup-definitions/pooled",
    ]) {
      const res = await fetch(`${e2e.stack.opsUrl}${page}`, { headers: { cookie } });
      expect(res.status, page).toBe(200);
    }
    const metrics = await fetch(`${e2e.stack.opsUrl}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("eventline_events_total");

    // The one server connection every client shared: nothing any of them left is on it.
    const defaults = await e2e.sql(
      "SELECT name, reset_val FROM pg_settings WHERE name IN ('statement_timeout', 'jit', 'enable_sort', 'standard_conforming_strings', 'TimeZone', 'search_path') ORDER BY name",
    );
    const pooled = await throughPool<{ name: string; setting: string }>(
      "SELECT name, setting AS reset_val FROM pg_settings WHERE name IN ('statement_timeout', 'jit', 'enable_sort', 'standard_conforming_strings', 'TimeZone', 'search_path') ORDER BY name",
    );
    expect(pooled).toEqual(defaults);
    expect(await throughPool("SELECT name FROM pg_prepared_statements")).toEqual([]);
    expect(await throughPool("SELECT relname FROM pg_class WHERE relpersistence = 't'")).toEqual([]);
    expect(await count("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'")).toBe(0);
    const log = await e2e.workersLog();
    expect(log).not.toMatch(/prepared statement|cannot (PREPARE|LISTEN)|advisory/i);
  }, 240_000);
});
