/**
 * Geometry of the console's bar charts: days on x, counts on y with a
 * "nice" top (1, 2 or 5 × 10ⁿ), so that the axis reads at a glance. Pure.
 */
import { DAY_MS } from "../../shared/lib/time.ts";

/** The `n` UTC days ending with `today` (YYYY-MM-DD), oldest first. */
export function lastDays(today: string, n: number): string[] {
  const end = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(end - (n - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1). */
export function niceCeiling(max: number): number {
  if (!(max > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

export interface Bar {
  day: string;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarChartGeometry {
  bars: Bar[];
  top: number;
  /** Plot area: where the bars and the axis lines are drawn. */
  plot: { left: number; top: number; width: number; height: number };
}

/** Bars for `days` (missing days count 0) in a width × height box with room for labels. */
export function barChart(days: readonly string[], counts: ReadonlyMap<string, number>, width: number, height: number): BarChartGeometry {
  const plot = { left: 40, top: 8, width: width - 48, height: height - 28 };
  const top = niceCeiling(Math.max(0, ...days.map((d) => counts.get(d) ?? 0)));
  const slot = plot.width / Math.max(days.length, 1);
  const bars = days.map((day, i) => {
    const count = counts.get(day) ?? 0;
    const h = (count / top) * plot.height;
    return { day, count, x: plot.left + i * slot + slot * 0.1, y: plot.top + plot.height - h, width: slot * 0.8, height: h };
  });
  return { bars, top, plot };
}
