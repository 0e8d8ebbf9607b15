/**
 * The one statement that adds events to a definition's cells, built from the
 * definition: its shape (how many dimensions, which measures) is the only
 * thing that varies, every value a user gave (pointers, zone, filters, names)
 * travels as a parameter. Pure.
 *
 * Every measure merges exactly under inserts, so a run reads only the events
 * written since the last one, however late their buckets: count and sum add,
 * min and max take least and greatest (numeric, never rounded), and a
 * distinct measure keeps each cell's set of value keys (rollup_distinct_sets,
 * eventline_value_key) and merges a step's set into it (eventline_key_union):
 * its n is the merged set's size, which only grows, so cells merge it by
 * greatest. The statement answers the largest set it wrote, for the caller
 * to hold to ROLLUP_LIMITS.maxDistinctPerCell.
 *
 * Which events: `runs` reads those written by transactions in
 * [$6, $7) (written_xid, found by its block-range index); `backfill` those
 * written before the definition existed (below $7, or before written_xid did:
 * null, read as $6), received in [$8, $9), partition by partition.
 *
 * Parameters: $1 the cells id, $2 time zone, $3 source, $4 exact type,
 * $5 type prefix (null: any), $6 $7 the transaction id range, $8 $9 the
 * receipt range, $10 the measures' names, $11 the distinct measures' names, then per pointer into payload or
 * attributes its key (text) when it names one level, its path (text[]) when
 * it names more.
 */
import type { RollupDefinition } from "./definition-schema.ts";
import { measureParts } from "./definition-schema.ts";
import { pointerTarget } from "./json-pointer.ts";

export type EventSelection = "runs" | "backfill";

const SELECTION: Record<EventSelection, string> = {
  runs: "e.written_xid >= $6::bigint AND e.written_xid < $7::bigint",
  backfill: "coalesce(e.written_xid, $6::bigint) < $7::bigint",
};

/** Buckets in the definition's zone: a local hour is the instant less the time since the local hour began (so the repeated hour at DST's end is two buckets); a local day starts at local midnight. */
const BUCKET: Record<RollupDefinition["granularity"], string> = {
  hour: "e.occurred_at - ((e.occurred_at AT TIME ZONE $2::text) - date_trunc('hour', e.occurred_at AT TIME ZONE $2::text))",
  day: "date_trunc('day', e.occurred_at, $2::text)",
};

export interface CellsStatement {
  text: string;
  /** The parameters from $10 on (measure names, pointer paths); the caller puts $1–$9 first. */
  tail: unknown[];
}

export function cellsStatement(def: RollupDefinition, selection: EventSelection): CellsStatement {
  const measures = Object.values(def.measures).map(measureParts);
  const tail: unknown[] = [Object.keys(def.measures), Object.keys(def.measures).filter((_, i) => measures[i]!.kind === "distinct")];
  const param = (value: unknown, type: string) => {
    tail.push(value);
    return `$${9 + tail.length}::${type}`;
  };
  /** Where a pointer reads: one key by `->` (cheaper than a path), deeper by `#>`; SQL null when missing. */
  const read = (pointer: string): string => {
    const t = pointerTarget(pointer);
    if ("error" in t) throw new TypeError(`invalid pointer ${pointer}: ${t.error}`);
    if (!("path" in t)) return `to_jsonb(e.${t.column})`;
    return t.path.length === 1 ? `(e.${t.column} -> ${param(t.path[0], "text")})` : `(e.${t.column} #> ${param(t.path, "text[]")})`;
  };
  // Each value is read once however many measures use it. Dimensions read a missing value as JSON
  // null, so that rows join on them with `=` (jsonb equality: 1 and 1.0 are one group).
  const columns: string[] = [];
  const column = new Map<string, string>();
  const once = (key: string, expr: () => string) => {
    let name = column.get(key);
    if (!name) {
      name = `v${column.size}`;
      column.set(key, name);
      columns.push(`${expr()} AS ${name}`);
    }
    return name;
  };
  const dims = Object.values(def.dimensions).map((p) => once(`dim ${p}`, () => `coalesce(${read(p)}, 'null'::jsonb)`));
  const inputs = measures.map((m) =>
    m.kind === "count"
      ? ""
      : m.kind === "distinct"
        ? once(`value ${m.pointer}`, () => `nullif(${read(m.pointer!)}, 'null'::jsonb)`)
        : once(`number ${m.pointer}`, () => `eventline_json_number(${read(m.pointer!)})`),
  );
  const numeric = measures.flatMap((m, i) => (m.kind === "sum" || m.kind === "min" || m.kind === "max" ? [inputs[i]!] : []));
  const distinct = measures.flatMap((m, i) => (m.kind === "distinct" ? [i] : []));
  const none = "NULL::numeric";
  const aggregates = measures.map((m, i) => {
    const v = `s.${inputs[i]}`;
    const [n, sum, lo, hi] =
      m.kind === "count"
        ? ["count(*)", none, none, none]
        : m.kind === "sum"
          ? [`count(${v})`, `coalesce(sum(${v}), 0)`, none, none]
          : m.kind === "min"
            ? [`count(${v})`, none, `min(${v})`, none]
            : m.kind === "max"
              ? [`count(${v})`, none, none, `max(${v})`]
              : // distinct: its n is the size of the cell's merged set (set<i>).
                ["NULL::bigint", none, none, none];
    return `${n} AS n${i}, ${sum} AS s${i}, ${lo} AS lo${i}, ${hi} AS hi${i}`;
  });
  const skipped = numeric.length === 0 ? "0" : numeric.map((v) => `(count(*) - count(s.${v}))`).join(" + ");
  const groupBy = ["s.bucket", ...dims.map((d) => `s.${d}`)].join(", ");
  const cellKeys = distinct.map(
    (i) => `eventline_json_key(jsonb_build_array(($10::text[])[${i + 1}], extract(epoch FROM g.bucket), dims)) AS cell${i}`,
  );

  // A distinct measure's new keys per cell: the distinct (cell, key) pairs by hashing, then gathered per
  // cell. No sort anywhere: an aggregate with DISTINCT inside would sort each cell's values and rule out
  // hashing the groups (bench/README.md).
  const groupOf = (t: string) => ["bucket", ...dims].map((c) => `${t}.${c}`).join(", ");
  const valuesCtes = distinct.map(
    (i) => `values${i} AS (
      SELECT ${groupOf("x")}, array_agg(x.k) AS keys FROM (
        SELECT DISTINCT ${groupBy}, eventline_value_key(s.${inputs[i]}) AS k FROM src s WHERE s.${inputs[i]} IS NOT NULL
      ) x GROUP BY ${groupOf("x")}
    ), `,
  );
  const valuesJoins = distinct.map(
    (i) => ` LEFT JOIN values${i} ON ${["bucket", ...dims].map((c) => `values${i}.${c} = g.${c}`).join(" AND ")}`,
  );
  const distinctCtes = distinct.map(
    (i) => `set${i} AS (
      INSERT INTO rollup_distinct_sets AS d (rollup_id, cell_key, keys)
      SELECT $1::uuid, k.cell${i}, k.keys${i} FROM keyed k WHERE k.keys${i} IS NOT NULL
      ON CONFLICT (rollup_id, cell_key) DO UPDATE SET keys = eventline_key_union(d.keys, EXCLUDED.keys)
      RETURNING cell_key, cardinality(keys)::bigint AS n
    ), `,
  );
  const distinctJoins = distinct.map((i) => `\n      LEFT JOIN set${i} ON set${i}.cell_key = k.cell${i}`);
  const rows = measures.map(
    (m, i) => `(($10::text[])[${i + 1}], ${m.kind === "distinct" ? `coalesce(set${i}.n, 0)` : `k.n${i}`}, k.s${i}, k.lo${i}, k.hi${i})`,
  );

  const largestSet = distinct.length === 0 ? "0" : `greatest(${distinct.map((i) => `(SELECT max(n) FROM set${i})`).join(", ")}, 0)`;
  // src is read again by each distinct measure: only then is it worth materializing.
  const text = `WITH src AS ${distinct.length > 0 ? "MATERIALIZED" : "NOT MATERIALIZED"} (
      SELECT ${BUCKET[def.granularity]} AS bucket,
        ${[...columns, "e.received_at"].join(",\n        ")}
      FROM events e
      WHERE ${SELECTION[selection]}
        AND e.received_at >= $8::timestamptz AND e.received_at < $9::timestamptz
        AND ($3::text IS NULL OR e.source = $3::text)
        AND ($4::text IS NULL OR e.type = $4::text)
        AND ($5::text IS NULL OR starts_with(e.type, $5::text))
    ), grouped AS (
      SELECT ${groupBy}, count(*) AS events, min(s.received_at) AS first_received, ${skipped} AS skipped,
        ${aggregates.join(",\n        ")}
      FROM src s GROUP BY ${groupBy}
    ), ${valuesCtes.join("")}normal AS (
      -- Written in normal form: numbers by value, JSON null as null.
      SELECT g.*, ${distinct.map((i) => `values${i}.keys AS keys${i}, `).join("")}jsonb_build_array(${dims.map((d) => `eventline_json_value(g.${d})`).join(", ")}) AS dims
      FROM grouped g${valuesJoins.join("")}
    ), keyed AS (
      SELECT g.*, ${["eventline_json_key(g.dims) AS dims_key", ...cellKeys].join(", ")} FROM normal g
    ), ${distinctCtes.join("")}cells AS (
      INSERT INTO rollup_cells AS c (rollup_id, bucket, dims_key, dims, measure, n, sum, min, max)
      SELECT $1::uuid, k.bucket, k.dims_key, k.dims, v.measure, v.n, v.sum, v.min, v.max
      FROM keyed k${distinctJoins.join("")}
      CROSS JOIN LATERAL (VALUES
        ${rows.join(",\n        ")}
      ) AS v(measure, n, sum, min, max)
      ON CONFLICT (rollup_id, bucket, dims_key, measure) DO UPDATE SET
        n = CASE WHEN c.measure = ANY($11::text[]) THEN greatest(c.n, EXCLUDED.n) ELSE c.n + EXCLUDED.n END,
        sum = c.sum + EXCLUDED.sum,
        min = least(c.min, EXCLUDED.min),
        max = greatest(c.max, EXCLUDED.max)
      RETURNING 1
    )
    SELECT (SELECT coalesce(sum(events), 0) FROM keyed)::bigint AS events,
      (SELECT coalesce(sum(skipped), 0) FROM keyed)::bigint AS skipped,
      (SELECT min(first_received) FROM keyed) AS first_received,
      (SELECT count(*) FROM cells)::bigint AS cells,
      ${largestSet}::bigint AS largest_set`;
  return { text, tail };
}

/** "order.*" → its prefix "order."; an exact type → itself. */
export function typeFilter(type: string | undefined): { exact: string | null; prefix: string | null } {
  if (type === undefined) return { exact: null, prefix: null };
  return type.endsWith(".*") ? { exact: null, prefix: type.slice(0, -1) } : { exact: type, prefix: null };
}
