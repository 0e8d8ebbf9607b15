/**
 * The one statement that adds events to a definition's cells, built from the
 * definition: its shape (how many dimensions, which measures) is the only
 * thing that varies, every value a user gave (pointers, zone, filters, names)
 * travels as a parameter. Pure.
 *
 * Every measure merges exactly under inserts, so a run reads only the events
 * written since the last one, however late their buckets: count and sum add,
 * min and max take least and greatest (numeric, never rounded), and a
 * distinct measure remembers each value's key per cell
 * (rollup_distinct_values), adding 1 only for a value it had not seen.
 *
 * Which events: `runs` reads those written by transactions in
 * [$6, $7) (written_xid, found by its block-range index); `backfill` those
 * written before the definition existed (below $7, or before written_xid did:
 * null), received in [$8, $9), partition by partition.
 *
 * Parameters: $1 the cells id, $2 time zone, $3 source, $4 exact type,
 * $5 type prefix (null: any), $6 $7 the transaction id range, $8 $9 the
 * receipt range, $10 the measures' names, then one text[] path per pointer
 * into payload or attributes.
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
  const tail: unknown[] = [Object.keys(def.measures)];
  const value = (pointer: string): string => {
    const t = pointerTarget(pointer);
    if ("error" in t) throw new TypeError(`invalid pointer ${pointer}: ${t.error}`);
    if (!("path" in t)) return `to_jsonb(e.${t.column})`;
    tail.push(t.path);
    return `(e.${t.column} #> $${9 + tail.length}::text[])`;
  };
  const dims = Object.values(def.dimensions).map((p) => `eventline_json_value(${value(p)})`);
  const measures = Object.values(def.measures).map(measureParts);
  const columns = measures.map((m, i) =>
    m.kind === "count"
      ? null
      : m.kind === "distinct"
        ? `eventline_json_value(${value(m.pointer!)}) AS m${i}`
        : `eventline_json_number(${value(m.pointer!)}) AS m${i}`,
  );
  const numeric = measures.flatMap((m, i) => (m.kind === "sum" || m.kind === "min" || m.kind === "max" ? [i] : []));
  const distinct = measures.flatMap((m, i) => (m.kind === "distinct" ? [i] : []));

  const aggregates = measures.map((m, i) => {
    switch (m.kind) {
      case "count":
        return `count(*) AS n${i}, NULL::numeric AS s${i}, NULL::numeric AS lo${i}, NULL::numeric AS hi${i}`;
      case "sum":
        return `count(s.m${i}) AS n${i}, coalesce(sum(s.m${i}), 0) AS s${i}, NULL::numeric AS lo${i}, NULL::numeric AS hi${i}`;
      case "min":
        return `count(s.m${i}) AS n${i}, NULL::numeric AS s${i}, min(s.m${i}) AS lo${i}, NULL::numeric AS hi${i}`;
      case "max":
        return `count(s.m${i}) AS n${i}, NULL::numeric AS s${i}, NULL::numeric AS lo${i}, max(s.m${i}) AS hi${i}`;
      default:
        // distinct: its n comes from the values it had not seen (new<i>).
        return `NULL::bigint AS n${i}, NULL::numeric AS s${i}, NULL::numeric AS lo${i}, NULL::numeric AS hi${i}`;
    }
  });
  const skipped = numeric.length === 0 ? "0" : numeric.map((i) => `(count(*) - count(s.m${i}))`).join(" + ");

  const distinctCtes = distinct.map(
    (i) => `distinct${i} AS (
      INSERT INTO rollup_distinct_values (rollup_id, bucket, dims_key, measure, value_key)
      SELECT DISTINCT $1::uuid, s.bucket, eventline_json_key(s.dims), ($10::text[])[${i + 1}], eventline_json_key(s.m${i})
      FROM src s WHERE s.m${i} IS NOT NULL
      ON CONFLICT DO NOTHING
      RETURNING bucket, dims_key
    ), new${i} AS (
      SELECT bucket, dims_key, count(*) AS n FROM distinct${i} GROUP BY 1, 2
    ), `,
  );
  const distinctJoins = distinct.map((i) => `\n      LEFT JOIN new${i} ON new${i}.bucket = a.bucket AND new${i}.dims_key = a.dims_key`);
  const rows = measures.map(
    (m, i) => `(($10::text[])[${i + 1}], ${m.kind === "distinct" ? `coalesce(new${i}.n, 0)` : `a.n${i}`}, a.s${i}, a.lo${i}, a.hi${i})`,
  );

  const text = `WITH src AS MATERIALIZED (
      SELECT ${BUCKET[def.granularity]} AS bucket,
        jsonb_build_array(${dims.join(", ")}) AS dims,
        ${[...columns.filter((c) => c !== null), "e.received_at"].join(",\n        ")}
      FROM events e
      WHERE ${SELECTION[selection]}
        AND e.received_at >= $8::timestamptz AND e.received_at < $9::timestamptz
        AND ($3::text IS NULL OR e.source = $3::text)
        AND ($4::text IS NULL OR e.type = $4::text)
        AND ($5::text IS NULL OR starts_with(e.type, $5::text))
    ), agg AS (
      SELECT s.bucket, s.dims, eventline_json_key(s.dims) AS dims_key, ${skipped} AS skipped,
        ${aggregates.join(",\n        ")}
      FROM src s GROUP BY s.bucket, s.dims
    ), ${distinctCtes.join("")}cells AS (
      INSERT INTO rollup_cells AS c (rollup_id, bucket, dims_key, dims, measure, n, sum, min, max)
      SELECT $1::uuid, a.bucket, a.dims_key, a.dims, v.measure, v.n, v.sum, v.min, v.max
      FROM agg a${distinctJoins.join("")}
      CROSS JOIN LATERAL (VALUES
        ${rows.join(",\n        ")}
      ) AS v(measure, n, sum, min, max)
      ON CONFLICT (rollup_id, bucket, dims_key, measure) DO UPDATE SET
        n = c.n + EXCLUDED.n,
        sum = c.sum + EXCLUDED.sum,
        min = least(c.min, EXCLUDED.min),
        max = greatest(c.max, EXCLUDED.max)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM src)::bigint AS events,
      (SELECT coalesce(sum(skipped), 0) FROM agg)::bigint AS skipped,
      (SELECT min(received_at) FROM src) AS first_received,
      (SELECT count(*) FROM cells)::bigint AS cells`;
  return { text, tail };
}

/** "order.*" → its prefix "order."; an exact type → itself. */
export function typeFilter(type: string | undefined): { exact: string | null; prefix: string | null } {
  if (type === undefined) return { exact: null, prefix: null };
  return type.endsWith(".*") ? { exact: null, prefix: type.slice(0, -1) } : { exact: type, prefix: null };
}
