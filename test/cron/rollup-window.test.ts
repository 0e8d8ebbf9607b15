import { describe, expect, it } from "vitest";
import { rollupWindow, startOfUtcDay } from "../../src/cron/rollup-window.ts";

describe("rollupWindow", () => {
  it("covers yesterday and today in UTC", () => {
    expect(rollupWindow(new Date("2026-11-27T00:15:00Z"))).toEqual({ from: new Date("2026-11-26T00:00:00Z"), to: new Date("2026-11-28T00:00:00Z") });
  });

  it("crosses month and year boundaries", () => {
    expect(rollupWindow(new Date("2027-01-01T00:15:00Z")).from).toEqual(new Date("2026-12-31T00:00:00Z"));
    expect(startOfUtcDay(new Date("2026-03-01T23:59:59.999Z"))).toEqual(new Date("2026-03-01T00:00:00Z"));
  });
});
