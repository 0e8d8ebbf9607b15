/**
 * A definition's data as its users read it: one row per bucket and
 * dimension values, the columns `bucket`, then the dimensions, then the
 * measures, each in the definition's order; as JSON (numbers written exactly
 * as Postgres computed them) or CSV. Pure.
 */
import { measureParts, type RollupDefinition } from "./definition-schema.ts";
import { formatInZone } from "./zoned-time.ts";

/** One row's cells as the database reads them (db/rollup-definitions/read-cells.ts): numbers as text, exact. */
export interface CellRow {
  bucket: Date;
  /** The dimension values' JSON array, as text. */
  dims: string;
  measures: string[];
  n: string[];
  sum: (string | null)[];
  min: (string | null)[];
  max: (string | null)[];
}

/** A row's values as JSON texts, by column. */
export type DataRow = { bucket: string; values: string[] };

export function columns(def: RollupDefinition): string[] {
  return ["bucket", ...Object.keys(def.dimensions), ...Object.keys(def.measures)];
}

export function dataRow(def: RollupDefinition, cell: CellRow): DataRow {
  const dims = (JSON.parse(cell.dims) as unknown[]).map((v) => JSON.stringify(v ?? null));
  const measures = Object.entries(def.measures).map(([name, m]) => {
    const i = cell.measures.indexOf(name);
    if (i < 0) return "null";
    const { kind } = measureParts(m);
    const v =
      kind === "count" || kind === "distinct" ? cell.n[i] : kind === "sum" ? cell.sum[i] : kind === "min" ? cell.min[i] : cell.max[i];
    return v ?? "null";
  });
  return { bucket: formatInZone(cell.bucket, def.timeZone), values: [...dims, ...measures] };
}

export function rowsJson(def: RollupDefinition, rows: DataRow[], nextCursor: string | null): string {
  const names = columns(def)
    .slice(1)
    .map((c) => JSON.stringify(c));
  const body = rows.map((r) => `{"bucket":${JSON.stringify(r.bucket)}${r.values.map((v, i) => `,${names[i]}:${v}`).join("")}}`);
  return `{"rows":[${body.join(",")}],"nextCursor":${JSON.stringify(nextCursor)}}`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A JSON text as a CSV cell: a string's characters, null as nothing, anything else its JSON. */
function csvValue(json: string): string {
  if (json === "null") return "";
  return csvField(json.startsWith('"') ? (JSON.parse(json) as string) : json);
}

export function rowsCsv(def: RollupDefinition, rows: DataRow[]): string {
  const lines = [columns(def).map(csvField).join(",")];
  for (const r of rows) lines.push([r.bucket, ...r.values.map(csvValue)].join(","));
  return `${lines.join("\r\n")}\r\n`;
}
