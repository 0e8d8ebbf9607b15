// fetch handler (consumer Worker): the rollup definition API end to end on
// the local database: define, let the cron compute, read as JSON and CSV,
// page, filter, replace, delete; and the errors a bad definition gets.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConsumerEnv } from "../../src/consumer/consumer-env.ts";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import entry from "../../src/consumer/index.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { contractChecked } from "../support/contract.ts";
import { TEST_ADMIN_TOKEN } from "../support/credentials.ts";
import { sql, testEnv, uniq } from "../support/worker-db.ts";

const worker = { fetch: contractChecked("consumer", (r) => exports.default.fetch(r)) };
const cronWorker = entry as Required<Pick<ExportedHandler<ConsumerEnv>, "scheduled">>;

type Page = { rows: Record<string, unknown>[]; nextCursor: string | null };
const page = async (path: string) => (await (await call("GET", path)).json()) as Page;
const call = (method: string, path: string, body?: unknown) =>
  worker.fetch(
    new Request(`http://eventline.test${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );

async function cron() {
  const ctx = createExecutionContext();
  await cronWorker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "* * * * *" }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

function order(source: string, id: string, occurredAt: string, payload: Record<string, unknown>): EventMessage {
  return { v: 1, source, id, type: "order.paid", occurredAt, receivedAt: new Date().toISOString(), payload };
}

const definition = (source: string) => ({
  source,
  type: "order.*",
  granularity: "hour",
  timeZone: "America/New_York",
  dimensions: { country: "/payload/country" },
  measures: {
    orders: "count",
    revenue: { sum: "/payload/amount" },
    smallest: { min: "/payload/amount" },
    largest: { max: "/payload/amount" },
    buyers: { distinct: "/payload/user" },
  },
});

describe("rollup definitions", () => {
  it("are created, computed by the cron (late and repeated hours included), read as JSON and CSV, and deleted", async () => {
    const source = uniq("shop");
    const name = uniq("revenue").replaceAll("-", "_");
    await insertEvents(sql(), [
      order(source, "a", "2026-11-01T05:30:00Z", { country: "US", amount: 20.5, user: "u1" }), // 01:30 EDT
      order(source, "b", "2026-11-01T05:45:00Z", { country: "US", amount: 5, user: "u2" }),
      order(source, "c", "2026-11-01T06:30:00Z", { country: "US", amount: 0.1, user: "u1" }), // 01:30 EST: the repeated hour
      order(source, "d", "2026-11-01T05:50:00Z", { amount: "n/a", user: "u3" }), // no country; amount not a number
    ]);
    const created = await call("PUT", `/admin/rollups/${name}`, definition(source));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name, state: "backfilling", timeZone: "America/New_York", rows: 0 });
    expect((await call("PUT", `/admin/rollups/${name}`, definition(source))).status).toBe(200); // unchanged: a no-op
    await cron();
    // A late event after the backfill: the next run adds it to its own, old bucket.
    await insertEvents(sql(), [order(source, "e", "2026-11-01T05:59:00Z", { country: "US", amount: 1, user: "u2" })]);
    await cron();
    const state = await (await call("GET", `/admin/rollups/${name}`)).json();
    expect(state).toMatchObject({ state: "current", rows: 3, skipped: 3, version: 1 });
    const data = await call("GET", `/admin/rollups/${name}/data?from=2026-11-01&to=2026-11-02`);
    expect(await data.json()).toEqual({
      rows: [
        { bucket: "2026-11-01T01:00:00-04:00", country: null, orders: 1, revenue: 0, smallest: null, largest: null, buyers: 1 },
        { bucket: "2026-11-01T01:00:00-04:00", country: "US", orders: 3, revenue: 26.5, smallest: 1, largest: 20.5, buyers: 2 },
        { bucket: "2026-11-01T01:00:00-05:00", country: "US", orders: 1, revenue: 0.1, smallest: 0.1, largest: 0.1, buyers: 1 },
      ],
      nextCursor: null,
    });
    const page1 = await page(`/admin/rollups/${name}/data?from=2026-11-01&to=2026-11-02&limit=2`);
    expect(page1.rows).toHaveLength(2);
    const page2 = await page(`/admin/rollups/${name}/data?from=2026-11-01&to=2026-11-02&limit=2&cursor=${page1.nextCursor}`);
    expect(page2).toEqual({ rows: [expect.objectContaining({ bucket: "2026-11-01T01:00:00-05:00" })], nextCursor: null });
    const us = await page(`/admin/rollups/${name}/data?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&country=US`);
    expect(us.rows.map((r) => r.orders)).toEqual([3, 1]);
    const csv = await call("GET", `/admin/rollups/${name}/data?from=2026-11-01&to=2026-11-02&format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe(
      [
        "bucket,country,orders,revenue,smallest,largest,buyers",
        "2026-11-01T01:00:00-04:00,,1,0,,,1",
        "2026-11-01T01:00:00-04:00,US,3,26.5,1,20.5,2",
        "2026-11-01T01:00:00-05:00,US,1,0.1,0.1,0.1,1",
        "",
      ].join("\r\n"),
    );
    expect((await call("GET", "/admin/rollups")).status).toBe(200);
    expect((await call("DELETE", `/admin/rollups/${name}`)).status).toBe(204);
    expect((await call("DELETE", `/admin/rollups/${name}`)).status).toBe(404);
    const gone = await call("GET", `/admin/rollups/${name}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "rollup_not_found" });
  });

  it.each([
    [{ granularity: "hour", timeZone: "Mars/Olympus", measures: { n: "count" } }, "timeZone"],
    [{ granularity: "hour", dimensions: { c: "payload/country" }, measures: { n: "count" } }, "dimensions.c"],
    [
      { granularity: "hour", dimensions: { a: "/type", b: "/type", c: "/type", d: "/type", e: "/type" }, measures: { n: "count" } },
      "dimensions",
    ],
    [{ granularity: "hour", measures: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`m${i}`, "count"])) }, "measures"],
    [{ granularity: "hour", measures: { n: { median: "/payload/x" } } }, "measures.n"],
    [{ granularity: "hour", dimensions: { n: "/type" }, measures: { n: "count" } }, "measures.n"],
    [{ granularity: "week", measures: { n: "count" } }, "granularity"],
  ])("refuse a bad definition with invalid_rollup_definition naming the field (%j)", async (body, path) => {
    const res = await call("PUT", "/admin/rollups/bad", body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_rollup_definition", path });
  });

  it("refuse a bad name and an unknown data parameter", async () => {
    const bad = await call("PUT", "/admin/rollups/Bad-Name", { granularity: "day", measures: { n: "count" } });
    expect(await bad.json()).toMatchObject({ code: "invalid_rollup_definition", path: "name" });
    const name = uniq("r").replaceAll("-", "_");
    expect((await call("PUT", `/admin/rollups/${name}`, { granularity: "day", measures: { n: "count" } })).status).toBe(201);
    const typo = await call("GET", `/admin/rollups/${name}/data?from=2026-01-01&to=2026-01-02&contry=US`);
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({ code: "invalid_request", path: "contry" });
    expect((await call("DELETE", `/admin/rollups/${name}`)).status).toBe(204);
  });
});
