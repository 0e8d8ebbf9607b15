import { describe, expect, it } from "vitest";
import { backfillBounds, backfillRequestSchema, MAX_BACKFILL_DAYS, splitDays } from "../../src/cron/backfill-range.ts";

describe("backfill range", () => {
  it("turns inclusive days into a half-open UTC range", () => {
    expect(backfillBounds({ from: "2026-10-31", to: "2026-11-01" })).toEqual({ from: new Date("2026-10-31T00:00:00Z"), to: new Date("2026-11-02T00:00:00Z") });
  });

  it("refuses reversed, malformed and too-long ranges", () => {
    expect(backfillRequestSchema.safeParse({ from: "2026-11-02", to: "2026-11-01" }).success).toBe(false);
    expect(backfillRequestSchema.safeParse({ from: "2026-11-31", to: "2026-12-01" }).success).toBe(false);
    expect(backfillRequestSchema.safeParse({ from: "2016-01-01", to: "2026-12-01" }).success).toBe(false);
    expect(backfillRequestSchema.safeParse({ from: "2026-01-01", to: "2026-01-01", source: "a" }).success).toBe(true);
    expect(MAX_BACKFILL_DAYS).toBeGreaterThan(365);
  });
});

describe("splitDays", () => {
  it("cuts a range into windows of at most n days, the last one shorter", () => {
    const w = splitDays(backfillBounds({ from: "2026-10-30", to: "2026-11-09" }), 7);
    expect(w.map((x) => [x.from.toISOString().slice(0, 10), x.to.toISOString().slice(0, 10)])).toEqual([
      ["2026-10-30", "2026-11-06"],
      ["2026-11-06", "2026-11-10"],
    ]);
    expect(splitDays(backfillBounds({ from: "2026-11-01", to: "2026-11-01" }), 7)).toHaveLength(1);
  });
});
