import { describe, expect, it } from "vitest";
import { type DeliveryContext, deliverBatch, type PendingEvent, type RetryInfo } from "../src/deliver-batch.ts";
import type { Outcome } from "../src/outcome.ts";
import { acceptAll, json, scriptedFetch } from "./support/scripted-fetch.ts";

function pending(n: number, tag = "e") {
  const outcomes = new Map<string, Outcome>();
  const events: PendingEvent[] = Array.from({ length: n }, (_, i) => {
    const id = `${tag}${i}`;
    const eventJson = JSON.stringify({ id, type: "t", payload: { i } });
    return { id, json: eventJson, bytes: eventJson.length, settle: (o: Outcome) => void outcomes.set(id, o) };
  });
  return { events, outcomes };
}

function context(fetch: typeof globalThis.fetch, extra: Partial<DeliveryContext> = {}) {
  const retries: RetryInfo[] = [];
  const ctx: DeliveryContext = {
    endpoint: "http://eventline.test/v1/events",
    apiKey: "k",
    signingKey: undefined,
    fetch,
    timeoutMs: 1000,
    maxRetries: 5,
    backoff: { minDelayMs: 100, maxDelayMs: 1000 },
    onRetry: (r) => retries.push(r),
    sleep: async () => {},
    ...extra,
  };
  return { ctx, retries };
}

describe("deliverBatch", () => {
  it("resends exactly the events a 202 reports as queue_unavailable, and not the rejected ones", async () => {
    const { events, outcomes } = pending(4);
    const server = scriptedFetch(
      json(202, {
        accepted: [{ index: 0, id: "e0" }],
        rejected: [
          { index: 1, code: "queue_unavailable", path: "", message: "resend" },
          { index: 2, code: "invalid_field", path: "type", message: "bad" },
          { index: 3, code: "queue_unavailable", path: "", message: "resend" },
        ],
      }),
      acceptAll,
    );
    const { ctx, retries } = context(server.fetch);
    await deliverBatch(events, ctx);
    expect(server.sent.map((r) => r.events.map((e) => e.id))).toEqual([
      ["e0", "e1", "e2", "e3"],
      ["e1", "e3"],
    ]);
    expect(outcomes.get("e2")).toEqual({ status: "rejected", id: "e2", code: "invalid_field", path: "type", message: "bad" });
    expect([...outcomes.values()].filter((o) => o.status === "accepted").length).toBe(3);
    expect(retries).toMatchObject([{ attempt: 1, code: "queue_unavailable", events: 2 }]);
  });

  it("splits on 413 until the parts fit, and fails an event that fits nowhere", async () => {
    const { events, outcomes } = pending(5);
    const server = scriptedFetch((req) =>
      req.events.length > 2 || req.events.some((e) => e.id === "e4")
        ? json(413, { code: "payload_too_large", message: "big" })
        : acceptAll(req),
    );
    await deliverBatch(events, context(server.fetch).ctx);
    expect(server.sent.map((r) => r.events.length)).toEqual([5, 3, 2, 1, 2, 1, 1]);
    expect(outcomes.get("e4")).toMatchObject({ status: "failed", code: "payload_too_large" });
    expect([...outcomes.values()].filter((o) => o.status === "accepted").length).toBe(4);
  });

  it("does not retry a 401: one request, every event failed with the server's code", async () => {
    const { events, outcomes } = pending(3);
    const server = scriptedFetch(json(401, { code: "unauthorized", message: "unknown API key" }));
    const { ctx, retries } = context(server.fetch);
    await deliverBatch(events, ctx);
    expect(server.sent.length).toBe(1);
    expect(retries).toEqual([]);
    for (const o of outcomes.values()) expect(o).toMatchObject({ status: "failed", code: "unauthorized", message: "unknown API key" });
  });

  it("retries network errors, timeouts and 503s with the same event ids, then gives up after maxRetries", async () => {
    const { events, outcomes } = pending(2);
    const hang = (_req: unknown, init: RequestInit) =>
      new Promise<Error>((resolve) => init.signal?.addEventListener("abort", () => resolve(init.signal!.reason as Error)));
    const server = scriptedFetch(new TypeError("fetch failed"), hang, json(503, { code: "queue_unavailable", message: "later" }));
    const { ctx, retries } = context(server.fetch, { timeoutMs: 10, maxRetries: 3 });
    await deliverBatch(events, ctx);
    expect(server.sent.length).toBe(4);
    for (const req of server.sent) expect(req.events.map((e) => e.id)).toEqual(["e0", "e1"]);
    expect(retries.map((r) => r.code)).toEqual(["network_error", "timeout", "queue_unavailable"]);
    expect(outcomes.get("e0")).toMatchObject({
      status: "failed",
      code: "queue_unavailable",
      message: expect.stringContaining("gave up after 3 retries"),
    });
  });

  it("leaves out the event with another tenant's source and sends the rest at once", async () => {
    const { events, outcomes } = pending(3);
    const server = scriptedFetch(json(403, { code: "source_forbidden", message: "not yours", index: 1, path: "source" }), acceptAll);
    const { ctx, retries } = context(server.fetch);
    await deliverBatch(events, ctx);
    expect(server.sent.map((r) => r.events.map((e) => e.id))).toEqual([
      ["e0", "e1", "e2"],
      ["e0", "e2"],
    ]);
    expect(outcomes.get("e1")).toMatchObject({ status: "rejected", code: "source_forbidden", path: "source" });
    expect(retries).toEqual([]);
  });
});
