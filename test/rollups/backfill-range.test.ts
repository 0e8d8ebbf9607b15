import { describe, expect, it } from "vitest";
import {
  BACKFILL_WINDOW_POLICY,
  backfillBounds,
  backfillRequestSchema,
  MAX_BACKFILL_DAYS,
  nextWindowDays,
  windowFrom,
} from "../../src/consumer/rollups/backfill-range.ts";

describe("backfill range", () => {
  it("turns inclusive days into a half-open UTC range", () => {
    expect(backfillBounds({ from: "2026-10-31", to: "2026-11-01" })).toEqual({
      from: new Date("2026-10-31T00:00:00Z"),
      to: new Date("2026-11-02T00:00:00Z"),
    });
  });

  it("refuses reversed, malformed and too-long ranges", () => {
    expect(backfillRequestSchema.safeParse({ from: "2026-11-02", to: "2026-11-01" }).success).toBe(false);
    expect(backfillRequestSchema.safeParse({ from: "2026-11-31", to: "2026-12-01" }).success).toBe(false);
    expect(backfillRequestSchema.safeParse({ from: "2016-01-01", to: "2026-12-01" }).success).toBe(false);
    expect(backfillRequestSchema.safeParse({ from: "2026-01-01", to: "2026-01-01", source: "a" }).success).toBe(true);
    expect(MAX_BACKFILL_DAYS).toBeGreaterThan(365);
  });
});

describe("backfill windows", () => {
  it("cuts the last window at the end of the range", () => {
    const range = backfillBounds({ from: "2026-10-30", to: "2026-11-09" });
    const w1 = windowFrom(range.from, 7, range.to);
    const w2 = windowFrom(w1.to, 7, range.to);
    expect([w1, w2].map((x) => [x.from.toISOString().slice(0, 10), x.to.toISOString().slice(0, 10)])).toEqual([
      ["2026-10-30", "2026-11-06"],
      ["2026-11-06", "2026-11-10"],
    ]);
  });

  it("sizes the next window to take about the target time, growing at most 4× and never past the cap", () => {
    expect(nextWindowDays(7, 500)).toBe(14); // 7 days in 0.5 s: 14 fit the 1 s target
    expect(nextWindowDays(7, 30)).toBe(28); // would fit 233 days: growth capped at 4×
    expect(nextWindowDays(56, 10)).toBe(BACKFILL_WINDOW_POLICY.maxDays);
    expect(nextWindowDays(7, 0)).toBe(28);
  });

  it("shrinks after a slow window, down to one day", () => {
    expect(nextWindowDays(7, 3_500)).toBe(2);
    expect(nextWindowDays(1, 9_000)).toBe(1);
  });
});
