/**
 * One measure of a definition's data as a series over buckets, for a chart:
 * rows of the same bucket (other dimension values) combine as the measure
 * does — counts and sums add, min and max take the least and greatest — and
 * a distinct count adds too, which counts a value seen under two dimension
 * values twice (the page says so). Pure.
 */

import type { DataRow } from "./data-rows.ts";
import { measureParts, type RollupDefinition } from "./definition-schema.ts";

export interface Series {
  buckets: string[];
  values: Map<string, number>;
  /** Rows of one bucket were combined (more than one dimension value). */
  combined: boolean;
}

export function seriesOf(def: RollupDefinition, rows: readonly DataRow[], measure: string): Series {
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
  return { buckets: [...new Set(rows.map((r) => r.bucket))], values, combined };
}
