import { describe, expect, it } from "vitest";
import { barChart, lastDays, niceCeiling } from "../../src/consumer/console/chart-scale.ts";
import { prng } from "../support/prng.ts";

describe("chart scale", () => {
  it("lists the last n UTC days, oldest first, across month and year ends", () => {
    expect(lastDays("2026-01-02", 4)).toEqual(["2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"]);
  });

  it("tops the axis at the smallest 1, 2 or 5 × 10ⁿ not below the largest count", () => {
    const rng = prng(3);
    for (let i = 0; i < 500; i++) {
      const max = rng.int(10 ** rng.int(8)) + 1;
      const top = niceCeiling(max);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(top / 10 ** Math.floor(Math.log10(top))).toBeOneOf([1, 2, 5]);
      expect(top).toBeLessThan(max * 5.01);
    }
    expect(niceCeiling(0)).toBe(1);
  });

  it("draws every day (missing ones as 0) inside the plot, heights proportional to counts", () => {
    const days = lastDays("2026-11-27", 30);
    const { bars, top, plot } = barChart(
      days,
      new Map([
        [days[3]!, 40],
        [days[29]!, 100],
      ]),
      360,
      140,
    );
    expect(bars.map((b) => b.day)).toEqual(days);
    expect(top).toBe(100);
    for (const b of bars) {
      expect(b.x).toBeGreaterThanOrEqual(plot.left);
      expect(b.x + b.width).toBeLessThanOrEqual(plot.left + plot.width + 1e-9);
      expect(b.y + b.height).toBeCloseTo(plot.top + plot.height);
    }
    expect(bars[29]!.height).toBeCloseTo(plot.height);
    expect(bars[3]!.height).toBeCloseTo(plot.height * 0.4);
    expect(bars[0]!.height).toBe(0);
  });
});
