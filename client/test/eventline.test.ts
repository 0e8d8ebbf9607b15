import { describe, expect, it } from "vitest";
import { Eventline, type EventlineOptions } from "../src/eventline.ts";
import type { Outcome } from "../src/outcome.ts";
import { acceptAll, json, scriptedFetch } from "./support/scripted-fetch.ts";

const event = (i: number, pad = 0) => ({ type: "t", payload: { i, pad: "x".repeat(pad) } });
const client = (fetch: typeof globalThis.fetch, options: Partial<EventlineOptions> = {}) =>
  new Eventline({
    url: "http://eventline.test/",
    apiKey: "k",
    fetch,
    flushIntervalMs: 60_000,
    minRetryDelayMs: 1,
    maxRetryDelayMs: 2,
    ...options,
  });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("Eventline", () => {
  it("sends a batch as soon as flushAt events are queued, and the rest on flush()", async () => {
    const server = scriptedFetch(acceptAll);
    const events = client(server.fetch, { flushAt: 10 });
    const outcomes = Array.from({ length: 25 }, (_, i) => events.send(event(i)));
    await tick();
    expect(server.sent.map((r) => r.events.length)).toEqual([10, 10]);
    await events.flush();
    expect(server.sent.map((r) => r.events.length)).toEqual([10, 10, 5]);
    expect((await Promise.all(outcomes)).every((o) => o.status === "accepted")).toBe(true);
  });

  it("keeps every request within maxBatchBytes", async () => {
    const server = scriptedFetch(acceptAll);
    const maxBatchBytes = 100_000;
    const events = client(server.fetch, { maxBatchBytes });
    const sent = events.send(Array.from({ length: 12 }, (_, i) => event(i, 30_000)));
    await events.close();
    expect((await sent).every((o) => o.status === "accepted")).toBe(true);
    expect(server.sent.length).toBeGreaterThan(3);
    for (const r of server.sent) expect(r.body.length).toBeLessThanOrEqual(maxBatchBytes);
    expect(server.sent.flatMap((r) => r.events).length).toBe(12);
  });

  it("sends what is queued after flushIntervalMs without a flush", async () => {
    const server = scriptedFetch(acceptAll);
    const events = client(server.fetch, { flushIntervalMs: 5 });
    expect(await events.send(event(1))).toMatchObject({ status: "accepted" });
    expect(server.sent.length).toBe(1);
  });

  it("flush() waits for events in flight, through their retries", async () => {
    let calls = 0;
    const server = scriptedFetch((req) => (++calls < 3 ? json(503, { code: "queue_unavailable", message: "later" }) : acceptAll(req)));
    const events = client(server.fetch);
    const settled: Outcome[] = [];
    for (let i = 0; i < 3; i++) void events.send(event(i)).then((o) => settled.push(o));
    await events.flush();
    expect(settled.map((o) => o.status)).toEqual(["accepted", "accepted", "accepted"]);
    expect(server.sent.length).toBe(3);
  });

  it("fails new events when maxQueueSize are waiting, and tells onError", async () => {
    const errors: Outcome[] = [];
    const server = scriptedFetch(acceptAll);
    const events = client(server.fetch, { maxQueueSize: 3, onError: (o) => errors.push(o) });
    const queued = [0, 1, 2].map((i) => events.send(event(i)));
    const refused = await events.send(event(3));
    expect(refused).toMatchObject({ status: "failed", code: "client_queue_full" });
    expect(errors).toEqual([refused]);
    await events.close();
    expect((await Promise.all(queued)).map((o) => o.status)).toEqual(["accepted", "accepted", "accepted"]);
  });

  it("close() refuses later events; a throwing hook costs no outcome", async () => {
    const server = scriptedFetch(json(400, { code: "invalid_body", message: "no" }));
    const events = client(server.fetch, {
      onError: () => {
        throw new Error("hook bug");
      },
    });
    const outcome = events.send(event(1));
    await events.close();
    expect(await outcome).toMatchObject({ status: "failed", code: "invalid_body" });
    expect(await events.send(event(2))).toMatchObject({ status: "failed", code: "client_closed" });
    expect(server.sent.length).toBe(1);
  });

  it("refuses options outside the server's limits", () => {
    const { fetch } = scriptedFetch(acceptAll);
    expect(() => client(fetch, { flushAt: 1001 })).toThrow(/flushAt must be between 1 and 1000/);
    expect(() => client(fetch, { maxBatchBytes: 2 * 1024 * 1024 })).toThrow(/maxBatchBytes/);
    expect(() => client(fetch, { apiKey: "" })).toThrow(/apiKey is required/);
  });
});
