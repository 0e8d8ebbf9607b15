import { describe, expect, it } from "vitest";
import type { Candidate } from "../../src/producer/ingest/parse-body.ts";
import { validateEvents } from "../../src/producer/ingest/validate-events.ts";
import { LIMITS } from "../../src/shared/config/limits.ts";
import { eventMessageSchema } from "../../src/shared/events/event-message.ts";
import { signedEventId, uuidv7 } from "../../src/shared/events/uuidv7.ts";

const now = new Date("2026-11-27T12:00:00.000Z");
const ctx = { source: "tenant-a", now, maxFutureSkewSeconds: 300, newId: () => uuidv7(now.getTime()) };
const cand = (event: unknown, index = 0): Candidate => ({ index, ok: true, event });

describe("validateEvents", () => {
  it("accepts a minimal event, fixes the tenant from the key and defaults id and occurredAt", () => {
    const { accepted, rejected } = validateEvents([cand({ type: "signup", payload: { plan: "pro" } })], ctx);
    expect(rejected).toEqual([]);
    const m = accepted[0]!.message;
    expect(m).toMatchObject({
      v: 1,
      source: "tenant-a",
      type: "signup",
      occurredAt: now.toISOString(),
      receivedAt: now.toISOString(),
      payload: { plan: "pro" },
    });
    expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventMessageSchema.safeParse(m).success).toBe(true);
  });

  it("normalizes occurredAt with an offset to UTC", () => {
    const { accepted } = validateEvents([cand({ type: "t", occurredAt: "2026-11-27T13:00:00+01:00", payload: {} })], ctx);
    expect(accepted[0]!.message.occurredAt).toBe("2026-11-27T12:00:00.000Z");
  });

  it("reports which field is wrong and why", () => {
    const { accepted, rejected } = validateEvents(
      [
        cand({ type: "Sign Up", payload: {} }, 0),
        cand({ type: "ok", payload: [] }, 1),
        cand({ type: "ok", payload: {}, extra: 1 }, 2),
        cand({ payload: {} }, 3),
        cand({ type: "ok", payload: {}, occurredAt: "yesterday" }, 4),
      ],
      ctx,
    );
    expect(accepted).toEqual([]);
    expect(rejected.map((r) => [r.index, r.code, r.path])).toEqual([
      [0, "invalid_field", "type"],
      [1, "invalid_field", "payload"],
      [2, "invalid_field", "extra"],
      [3, "invalid_field", "type"],
      [4, "invalid_field", "occurredAt"],
    ]);
    expect(rejected[2]!.message).toContain("unknown field");
  });

  it("rejects occurredAt beyond the allowed skew but accepts it at the boundary", () => {
    const atLimit = new Date(now.getTime() + 300_000).toISOString();
    const over = new Date(now.getTime() + 301_000).toISOString();
    const { accepted, rejected } = validateEvents(
      [cand({ type: "t", payload: {}, occurredAt: atLimit }, 0), cand({ type: "t", payload: {}, occurredAt: over }, 1)],
      ctx,
    );
    expect(accepted.map((a) => a.index)).toEqual([0]);
    expect(rejected).toEqual([expect.objectContaining({ index: 1, code: "occurred_at_in_future", path: "occurredAt" })]);
  });

  it("keeps the first of two events with the same id and rejects the second", () => {
    const { accepted, rejected } = validateEvents(
      [cand({ id: "x", type: "t", payload: { n: 1 } }, 0), cand({ id: "x", type: "t", payload: { n: 2 } }, 1)],
      ctx,
    );
    expect(accepted.map((a) => a.message.payload)).toEqual([{ n: 1 }]);
    expect(rejected).toEqual([expect.objectContaining({ index: 1, code: "duplicate_id", path: "id" })]);
  });

  it("refuses the whole request when an event names another source", () => {
    expect(() => validateEvents([cand({ type: "t", payload: {}, source: "tenant-b" })], ctx)).toThrowError(
      expect.objectContaining({ status: 403, code: "source_forbidden" }),
    );
    expect(validateEvents([cand({ type: "t", payload: {}, source: "tenant-a" })], ctx).accepted).toHaveLength(1);
  });

  it("enforces the event size limit at exactly the boundary", () => {
    const base = { id: "size", type: "t", occurredAt: now.toISOString(), payload: { s: "" } };
    const overhead = validateEvents([cand(base)], ctx).accepted[0]!.bytes;
    const fits = { ...base, payload: { s: "x".repeat(LIMITS.maxEventBytes - overhead) } };
    const over = { ...base, payload: { s: "x".repeat(LIMITS.maxEventBytes - overhead + 1) } };
    const a = validateEvents([cand(fits)], ctx);
    expect(a.accepted[0]!.bytes).toBe(LIMITS.maxEventBytes);
    const b = validateEvents([cand(over)], ctx);
    expect(b.rejected).toEqual([expect.objectContaining({ code: "event_too_large" })]);
  });

  it("counts bytes, not characters, for unicode payloads", () => {
    const { accepted } = validateEvents([cand({ id: "u", type: "t", occurredAt: now.toISOString(), payload: { s: "🎉" } })], ctx);
    const ascii = validateEvents([cand({ id: "u", type: "t", occurredAt: now.toISOString(), payload: { s: "ab" } })], ctx);
    expect(accepted[0]!.bytes - ascii.accepted[0]!.bytes).toBe(2); // 4 UTF-8 bytes vs 2
  });

  it("refuses \\u0000 and unpaired surrogates, which Postgres jsonb cannot store, but keeps emoji", () => {
    const { accepted, rejected } = validateEvents(
      [
        cand({ type: "t", payload: { s: "a\u0000b" } }, 0),
        cand({ type: "t", payload: { s: "\ud800" } }, 1),
        cand({ type: "t", payload: { "\udc00k": 1 } }, 2),
        cand({ type: "t", payload: { s: "😀 ünï", literal: "\\u0000 is text here" } }, 3),
      ],
      ctx,
    );
    expect(rejected.map((r) => [r.index, r.code, r.path])).toEqual([
      [0, "invalid_field", "payload.s"],
      [1, "invalid_field", "payload.s"],
      [2, "invalid_field", "payload.\udc00k"],
    ]);
    expect(accepted.map((a) => a.index)).toEqual([3]);
  });

  it("refuses a payload nested deeper than 64 levels, and says where", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 63; i++) deep = [deep];
    const { accepted, rejected } = validateEvents(
      [cand({ type: "t", payload: { a: deep } }, 0), cand({ type: "t", payload: { a: [deep] } }, 1)],
      ctx,
    );
    expect(accepted.map((a) => a.index)).toEqual([0]);
    expect(rejected).toEqual([expect.objectContaining({ index: 1, code: "invalid_field", message: "nests deeper than 64 levels" })]);
    expect(rejected[0]!.path).toMatch(/^payload\.a(\.0){63}$/);
  });

  it("refuses occurredAt outside what timestamptz stores (years 0001–9999 UTC)", () => {
    const at = (occurredAt: string, index: number) => cand({ type: "t", payload: {}, occurredAt }, index);
    const { accepted, rejected } = validateEvents(
      [at("0000-01-01T00:00:00Z", 0), at("0001-01-01T00:00:00+01:00", 1), at("0001-01-01T00:00:00Z", 2)],
      ctx,
    );
    expect(accepted.map((a) => a.index)).toEqual([2]);
    expect(rejected.map((r) => [r.index, r.path])).toEqual([
      [0, "occurredAt"],
      [1, "occurredAt"],
    ]);
  });

  it("keeps a __proto__ key of the payload in the message", () => {
    const payload = JSON.parse('{"__proto__":{"x":1},"a":2}');
    const { accepted } = validateEvents([cand({ type: "t", payload })], ctx);
    expect(accepted[0]!.text).toContain('"payload":{"__proto__":{"x":1},"a":2}');
    expect(JSON.parse(accepted[0]!.text).payload).toStrictEqual(payload);
  });

  it("gives events without an id the id newId makes for their index", () => {
    const signed = { ...ctx, newId: (i: number) => signedEventId(1_800_000_000, "ab".repeat(32), i) };
    const { accepted } = validateEvents(
      [cand({ type: "t", payload: {} }, 0), cand({ id: "own", type: "t", payload: {} }, 1), cand({ type: "t", payload: {} }, 2)],
      signed,
    );
    expect(accepted.map((a) => a.message.id)).toEqual([
      signedEventId(1_800_000_000, "ab".repeat(32), 0),
      "own",
      signedEventId(1_800_000_000, "ab".repeat(32), 2),
    ]);
  });
});
