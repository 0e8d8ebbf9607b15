import { describe, expect, it } from "vitest";
import { backfillBounds, backfillRequestSchema, MAX_BACKFILL_DAYS } from "../../src/cron/backfill-range.ts";

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
