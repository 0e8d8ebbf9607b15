// fetch handler, admin API and rollup read API: client input is answered with
// a 4xx and a code, never a 5xx, whatever it holds.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contractChecked } from "../support/contract.ts";
import { TEST_ADMIN_TOKEN, TEST_AUTH_FAILURE_LIMIT, TEST_KEYS, TEST_RATE_LIMIT } from "../support/credentials.ts";

/** The Worker's own entry, every exchange checked against its OpenAPI document. */
const worker = { fetch: contractChecked("consumer", (r) => exports.default.fetch(r)) };
const call = async (path: string, init: RequestInit = {}, token = TEST_ADMIN_TOKEN) => {
  const res = await worker.fetch(
    new Request(`http://eventline.test${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("admin API input", () => {
  it("answers a malformed JSON body with 400 invalid_json", async () => {
    for (const path of ["/admin/dead-letters/replay", "/admin/dead-letters/discard", "/admin/rollups/backfill"]) {
      expect(await call(path, { method: "POST", body: "{nope" }), path).toMatchObject({ status: 400, body: { code: "invalid_json" } });
    }
  });

  it("answers path parameters no event can have with 400 and the field", async () => {
    expect(await call("/admin/events/dev/a%00b")).toMatchObject({ status: 400, body: { code: "invalid_request", path: "id" } });
    expect(await call("/admin/events/NOT%20A%20SOURCE/x")).toMatchObject({
      status: 400,
      body: { code: "invalid_request", path: "source" },
    });
    expect(await call("/admin/events/dev/never-sent")).toMatchObject({ status: 404, body: { code: "not_found" } });
  });

  it("refuses a body over 1 MB with 413", async () => {
    const ids = Array.from({ length: 30_000 }, () => crypto.randomUUID());
    expect(await call("/admin/dead-letters/replay", { method: "POST", body: JSON.stringify({ ids, dryRun: true }) })).toMatchObject({
      status: 413,
      body: { code: "payload_too_large" },
    });
  });

  it("refuses filters and reasons Postgres cannot store, and dates outside years 0001–9999", async () => {
    for (const q of [
      "source=%00",
      "type=x%00",
      "code=a%00",
      "from=0000-01-01T00:00:00Z",
      "to=0001-01-01T00:00:00%2B01:00",
      "cursor=WyIwMDAwLTAxLTAxVDAwOjAwOjAwWiIsIngiXQ",
    ]) {
      expect((await call(`/admin/dead-letters?${q}`)).status, q).toBe(400);
    }
    const discard = await call("/admin/dead-letters/discard", {
      method: "POST",
      body: JSON.stringify({ filter: { source: "x" }, reason: "bad \u0000 reason" }),
    });
    expect(discard).toMatchObject({ status: 400, body: { code: "invalid_request" } });
  });

  it("backfills up to 9999-12-31 and refuses a range starting before 0001-01-01", async () => {
    expect(
      await call("/admin/rollups/backfill", { method: "POST", body: JSON.stringify({ from: "0000-12-31", to: "0001-01-02" }) }),
    ).toMatchObject({ status: 400 });
    expect(
      await call("/admin/rollups/backfill", { method: "POST", body: JSON.stringify({ from: "9999-12-25", to: "9999-12-31" }) }),
    ).toMatchObject({
      status: 200,
      body: { complete: true },
    });
  });
});

describe("rollup read API input", () => {
  const read = (q: string) => call(`/v1/rollups?${q}`, {}, TEST_KEYS.tenantA);

  it("answers dates outside years 0001–9999, and such cursors, with 400", async () => {
    for (const q of [
      "from=0000-01-01&to=2026-01-01",
      "from=2026-01-01&to=10000-01-01",
      "from=2026-01-01&to=2026-01-02&cursor=WyIwMDAwLTAxLTAxIiwieCJd",
    ]) {
      expect((await read(q)).status, q).toBe(400);
    }
    expect(await read("from=9999-12-01&to=9999-12-31")).toMatchObject({ status: 200, body: { rollups: [] } });
    expect(await read("from=0001-01-01&to=0001-01-02")).toMatchObject({ status: 200 });
  });
});

describe("throttling (Workers Rate Limiting)", () => {
  const from = (address: string, path: string, token: string) =>
    worker.fetch(
      new Request(`http://eventline.test${path}`, { headers: { authorization: `Bearer ${token}`, "cf-connecting-ip": address } }),
    );
  /**
   * Sends until the first 429 (at most 2 × limit + 1 requests: the limiter counts in fixed windows, and a window may
   * turn during the loop) and returns the statuses before it and the 429 itself.
   */
  async function untilThrottled(limit: number, send: (i: number) => Promise<Response>) {
    const before: number[] = [];
    for (let i = 0; i <= 2 * limit; i++) {
      const res = await send(i);
      if (res.status === 429) return { before, throttled: res };
      before.push(res.status);
    }
    return { before, throttled: undefined };
  }

  it("answers 429 to an address past TEST_AUTH_FAILURE_LIMIT failed admin tokens a minute; others and the right token still pass", async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const { before, throttled } = await untilThrottled(TEST_AUTH_FAILURE_LIMIT, (i) => from(address, "/admin/stats", `evla_wrong_${i}`));
    expect(before.length).toBeGreaterThanOrEqual(TEST_AUTH_FAILURE_LIMIT);
    expect(new Set(before)).toEqual(new Set([401]));
    expect(throttled?.status).toBe(429);
    expect(Number(throttled?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await from("203.0.113.9", "/admin/stats", "evla_wrong")).status).toBe(401);
    expect((await from(address, "/admin/stats", TEST_ADMIN_TOKEN)).status).toBe(200);
  });

  it("counts wrong read-API keys as failed authentications too", async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const { before, throttled } = await untilThrottled(TEST_AUTH_FAILURE_LIMIT, (i) =>
      from(address, "/v1/rollups?from=2026-01-01&to=2026-01-02", `evl_nope_${i}`),
    );
    expect(new Set(before)).toEqual(new Set([401]));
    expect(throttled?.status).toBe(429);
  });

  it("limits GET /v1/rollups per key", async () => {
    const { before, throttled } = await untilThrottled(TEST_RATE_LIMIT, () =>
      from("192.0.2.1", "/v1/rollups?from=2026-01-01&to=2026-01-02", TEST_KEYS.burst),
    );
    expect(before.length).toBeGreaterThanOrEqual(TEST_RATE_LIMIT);
    expect(new Set(before)).toEqual(new Set([200]));
    expect(throttled?.status).toBe(429);
  });
});
