import { describe, expect, it } from "vitest";
import {
  deadLetterWhere,
  discardRequestSchema,
  pendingWhere,
  replayRequestSchema,
  toSelection,
} from "../../src/consumer/admin/dead-letter-filter.ts";

describe("dead-letter selection", () => {
  it("translates a filter into a where clause", () => {
    expect(
      deadLetterWhere({ source: "s", type: "t", code: "c", status: "pending", from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z" }),
    ).toEqual({
      source: "s",
      eventType: "t",
      errorCode: "c",
      status: "pending",
      lastFailedAt: { gte: new Date("2026-11-01T00:00:00Z"), lt: new Date("2026-11-02T00:00:00Z") },
    });
    expect(deadLetterWhere({})).toEqual({});
  });

  it("acts on pending letters only: replayed and discarded are final", () => {
    expect(pendingWhere({ filter: { source: "s" } })).toEqual({ source: "s", status: "pending" });
    expect(pendingWhere({ filter: { source: "s", status: "replayed" } })).toMatchObject({ status: "pending", id: { in: [] } });
    expect(pendingWhere({ filter: { status: "discarded" } })).toMatchObject({ id: { in: [] } });
    expect(pendingWhere({ filter: { status: "pending", code: "x" } })).toEqual({ errorCode: "x", status: "pending" });
    expect(pendingWhere({ ids: ["a"] })).toEqual({ id: { in: ["a"] }, status: "pending" });
  });

  it("requires exactly one of ids and a non-empty filter", () => {
    const id = "01a21b5e-41c3-7a7b-926f-ede2c0bd5e78";
    expect(replayRequestSchema.safeParse({ ids: [id] }).success).toBe(true);
    expect(replayRequestSchema.safeParse({ filter: { source: "s" }, dryRun: true }).success).toBe(true);
    expect(replayRequestSchema.safeParse({}).success).toBe(false);
    expect(replayRequestSchema.safeParse({ filter: {} }).success).toBe(false);
    expect(replayRequestSchema.safeParse({ ids: [id], filter: { source: "s" } }).success).toBe(false);
    expect(replayRequestSchema.safeParse({ ids: ["not-a-uuid"] }).success).toBe(false);
    expect(discardRequestSchema.safeParse({ ids: [id] }).success).toBe(false); // reason required
    expect(toSelection({ ids: [id] })).toEqual({ ids: [id] });
  });
});
