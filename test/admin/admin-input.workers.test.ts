// fetch handler, admin API and rollup read API: client input is answered with
// a 4xx and a code, never a 5xx, whatever it holds.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, TEST_KEYS } from "../support/credentials.ts";

const worker = exports.default;
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
