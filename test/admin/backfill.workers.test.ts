// fetch handler (consumer Worker): POST /admin/rollups/backfill, integration style.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import { backfillBounds } from "../../src/consumer/rollups/backfill-range.ts";
import { runBackfill } from "../../src/consumer/rollups/run-backfill.ts";
import { runRollup } from "../../src/consumer/rollups/run-rollup.ts";
import { contractChecked } from "../support/contract.ts";
import { TEST_ADMIN_TOKEN, TEST_KEYS, TEST_SOURCES } from "../support/credentials.ts";
import { eventOnDay } from "../support/packets.ts";
import { db, sql } from "../support/worker-db.ts";

/** The Worker's own entry, every exchange checked against its OpenAPI document. */
const worker = { fetch: contractChecked("consumer", (r) => exports.default.fetch(r)) };
const postAdmin = (path: string, body: unknown, token = TEST_ADMIN_TOKEN) =>
  worker.fetch(
    new Request(`http://eventline.test${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );

const source = TEST_SOURCES.tenantB;
const at = (day: string, type: string, i: number) => eventOnDay(source, day, type, i);

describe("POST /admin/rollups/backfill", () => {
  it("recomputes a damaged range and journals a backfill run", async () => {
    await insertEvents(sql(), [at("2025-02-01", "y", 1), at("2025-02-01", "y", 2)]);
    await runRollup(db(), { kind: "scheduled", budgetMs: 30_000 });
    await db().dailyRollup.updateMany({ where: { source, day: new Date("2025-02-01T00:00:00Z") }, data: { count: 999 } });
    const res = await postAdmin("/admin/rollups/backfill", { from: "2025-02-01", to: "2025-02-01", source });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ days: 1, daysDone: 1, keysDone: 1, rows: 1, nextFrom: null, complete: true });
    const row = await db().dailyRollup.findFirst({ where: { source, day: new Date("2025-02-01T00:00:00Z"), type: "y" } });
    expect(row!.count).toBe(2);
  });

  it("recomputes only the type asked for, and removes a row no event supports", async () => {
    await insertEvents(sql(), [at("2025-04-01", "p", 1), at("2025-04-01", "q", 1)]);
    await runRollup(db(), { kind: "scheduled", budgetMs: 30_000 });
    const day = new Date("2025-04-01T00:00:00Z");
    await db().dailyRollup.updateMany({ where: { source, day }, data: { count: 50 } });
    await db().dailyRollup.create({ data: { day, source, type: "p.ghost", count: 7, firstOccurredAt: day, lastOccurredAt: day } });
    const res = await postAdmin("/admin/rollups/backfill", { from: "2025-04-01", to: "2025-04-01", source, type: "p" });
    expect(await res.json()).toMatchObject({ keysDone: 1, rows: 1, complete: true });
    const counts = async () =>
      Object.fromEntries((await db().dailyRollup.findMany({ where: { source, day } })).map((r) => [r.type, r.count]));
    expect(await counts()).toEqual({ p: 1, q: 50, "p.ghost": 7 }); // q and p.ghost untouched: another type
    await postAdmin("/admin/rollups/backfill", { from: "2025-04-01", to: "2025-04-01", source });
    expect(await counts()).toEqual({ p: 1, q: 1 }); // the whole source: q repaired, the unsupported row removed
  });

  it("resumes a long range from nextFrom when the time budget runs out", async () => {
    const events = ["2025-03-01", "2025-03-09", "2025-03-20"].map((d, i) => at(d, "z", i));
    await insertEvents(sql(), events);
    await db().rollupDelta.deleteMany({ where: { source, type: "z" } }); // only the backfill can count them now
    // A zero budget does exactly one window per call.
    const first = await runBackfill(db(), {
      ...backfillBounds({ from: "2025-03-01", to: "2025-03-20" }),
      source,
      budgetMs: 0,
      daysPerChunk: 7,
    });
    expect(first).toMatchObject({ days: 20, daysDone: 7, keysDone: 1, nextFrom: "2025-03-08", complete: false });
    const second = await runBackfill(db(), {
      ...backfillBounds({ from: first.nextFrom!, to: "2025-03-20" }),
      source,
      budgetMs: 0,
      daysPerChunk: 7,
    });
    expect(second).toMatchObject({ daysDone: 7, keysDone: 1, nextFrom: "2025-03-15" });
    const third = await runBackfill(db(), {
      ...backfillBounds({ from: second.nextFrom!, to: "2025-03-20" }),
      source,
      budgetMs: 0,
      daysPerChunk: 7,
    });
    expect(third).toMatchObject({ daysDone: 6, keysDone: 1, nextFrom: null, complete: true });
    const rows = await db().dailyRollup.findMany({ where: { source, type: "z" }, orderBy: { day: "asc" } });
    expect(rows.map((r) => [r.day.toISOString().slice(0, 10), r.count])).toEqual([
      ["2025-03-01", 1],
      ["2025-03-09", 1],
      ["2025-03-20", 1],
    ]);
  });

  it("answers 401 for a wrong token, 403 for an ingest key, 400 for a bad range", async () => {
    expect((await postAdmin("/admin/rollups/backfill", { from: "2025-02-01", to: "2025-02-01" }, "wrong")).status).toBe(401);
    const ingest = await postAdmin("/admin/rollups/backfill", { from: "2025-02-01", to: "2025-02-01" }, TEST_KEYS.tenantA);
    expect({ status: ingest.status, body: await ingest.json() }).toMatchObject({ status: 403, body: { code: "forbidden" } });
    const bad = await postAdmin("/admin/rollups/backfill", { from: "2025-02-02", to: "2025-02-01" });
    expect({ status: bad.status, body: await bad.json() }).toMatchObject({ status: 400, body: { code: "invalid_request", path: "to" } });
  });
});
