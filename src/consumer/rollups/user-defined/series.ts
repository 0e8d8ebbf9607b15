/**
 * One measure of a definition's data as a series over buckets, for a chart:
 * rows of the same bucket (other dimension values) combine as the measure
 * does — counts and sums add, min and max take the least and greatest — and
 * a distinct count adds too, which counts a value seen under two dimension
 * values twice (the page says so). Pure.
 */

import type { DataRow } from "./data-rows.ts";
import { measureParts, type RollupDefinition } from "./definition-schema.ts";
import { formatInZone } from "./zoned-time.ts";

const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * Every bucket that starts in [from, to), as dataRow labels it, so a chart
 * shows empty buckets too. Every zone's offset is a whole number of quarter
 * hours, so every local hour (and midnight) starts on a quarter hour.
 */
export function bucketLabels(from: Date, to: Date, granularity: RollupDefinition["granularity"], timeZone: string): string[] {
  const labels: string[] = [];
  const start = Math.ceil(from.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  for (let t = start; t < to.getTime(); t += QUARTER_HOUR_MS) {
    const label = formatInZone(new Date(t), timeZone);
    if (granularity === "hour" ? label.slice(14, 19) === "00:00" : label.slice(11, 19) === "00:00:00") labels.push(label);
  }
  return labels;
}

export interface Series {
  buckets: string[];
  values: Map<string, number>;
  /** Rows of one bucket were combined (more than one dimension value). */
  combined: boolean;
}

/** The series of `measure` over `labels` (bucketLabels; a bucket with data but no label, e.g. a day that starts at a DST change, joins in order). */
export function seriesOf(def: RollupDefinition, rows: readonly DataRow[], measure: string, labels: readonly string[] = []): Series {
  const index = Object.keys(def.dimensions).length + Object.keys(def.measures).indexOf(measure);
  const kind = measureParts(def.measures[measure]!).kind;
  const values = new Map<string, number>();
  let combined = false;
  for (const r of rows) {
    const v = JSON.parse(r.values[index]!) as number | null;
    if (v === null) continue;
    const before = values.get(r.bucket);
    if (before === undefined) {
      values.set(r.bucket, v);
      continue;
    }
    combined = true;
    values.set(r.bucket, kind === "min" ? Math.min(before, v) : kind === "max" ? Math.max(before, v) : before + v);
  }
  // Labels sort as instants only within one offset; order by the instant each names.
  const buckets = [...new Set([...labels, ...rows.map((r) => r.bucket)])].sort((a, b) => Date.parse(a) - Date.parse(b));
  return { buckets, values, combined };
}
