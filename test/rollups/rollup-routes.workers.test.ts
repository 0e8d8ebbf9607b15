// fetch handler (consumer Worker): GET /v1/rollups, integration style.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import { runRollup } from "../../src/consumer/rollups/run-rollup.ts";
import { contractChecked } from "../support/contract.ts";
import { TEST_KEYS, TEST_SOURCES } from "../support/credentials.ts";
import { eventOnDay } from "../support/packets.ts";
import { db, sql } from "../support/worker-db.ts";

/** The Worker's own entry, every exchange checked against its OpenAPI document. */
const worker = { fetch: contractChecked("consumer", (r) => exports.default.fetch(r)) };
const get = (path: string, key: string) =>
  worker.fetch(new Request(`http://eventline.test${path}`, { headers: { authorization: `Bearer ${key}` } }));

const source = TEST_SOURCES.tenantB;
const at = (day: string, type: string, i: number) => eventOnDay(source, day, type, i);

describe("GET /v1/rollups", () => {
  it("returns the key's own rollups sorted by day and type, page by page", async () => {
    await insertEvents(sql(), [
      at("2025-01-01", "x", 1),
      at("2025-01-01", "x", 2),
      at("2025-01-01", "a", 1),
      at("2025-01-02", "x", 1),
      at("2025-01-03", "x", 1),
    ]);
    await runRollup(db(), { kind: "scheduled", budgetMs: 30_000 });
    const page1 = (await (await get("/v1/rollups?from=2025-01-01&to=2025-01-02&limit=2", TEST_KEYS.tenantB)).json()) as any;
    expect(page1.rollups.map((r: any) => [r.day, r.type, r.count])).toEqual([
      ["2025-01-01", "a", 1],
      ["2025-01-01", "x", 2],
    ]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await (
      await get(`/v1/rollups?from=2025-01-01&to=2025-01-02&limit=2&cursor=${page1.nextCursor}`, TEST_KEYS.tenantB)
    ).json()) as any;
    expect(page2.rollups.map((r: any) => [r.day, r.type, r.count])).toEqual([["2025-01-02", "x", 1]]);
    expect(page2.nextCursor).toBeNull();
    const otherTenant = (await (await get("/v1/rollups?from=2025-01-01&to=2025-01-02", TEST_KEYS.tenantA)).json()) as any;
    expect(otherTenant.rollups).toEqual([]);
  });

  it("refuses another source, bad dates and foreign cursors", async () => {
    expect((await get(`/v1/rollups?from=2025-01-01&to=2025-01-02&source=${source}`, TEST_KEYS.tenantA)).status).toBe(403);
    const bad = await get("/v1/rollups?from=yesterday&to=2025-01-02", TEST_KEYS.tenantA);
    expect({ status: bad.status, body: await bad.json() }).toMatchObject({ status: 400, body: { code: "invalid_request", path: "from" } });
    expect((await get("/v1/rollups?from=2025-01-01&to=2025-01-02&cursor=xyz", TEST_KEYS.tenantA)).status).toBe(400);
    expect((await get("/v1/rollups?from=2025-01-01&to=2025-01-02", "nope")).status).toBe(401);
  });
});
