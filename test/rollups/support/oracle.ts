// The from-scratch GROUP BY a definition's data must equal, computed here in
// JavaScript, independently of the SQL: its own bucketing (offsets from Intl),
// its own JSON Pointer reading, its own exact decimal arithmetic.
import type { RollupDefinition } from "../../../src/consumer/rollups/user-defined/definition-schema.ts";

export interface StoredEvent {
  source: string;
  id: string;
  type: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

const HOUR = 3_600_000;

/** The zone's offset at an instant, in milliseconds (Intl's "GMT-04:00"). */
export function offsetMs(at: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")!.value;
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

export function bucketStart(at: Date, granularity: "hour" | "day", timeZone: string): number {
  const t = at.getTime();
  const local = t + offsetMs(at, timeZone);
  if (granularity === "hour") return t - (((local % HOUR) + HOUR) % HOUR);
  const midnightLocal = Math.floor(local / 86_400_000) * 86_400_000;
  // The instant whose local time is that midnight (zones here never skip or repeat midnight).
  let guess = midnightLocal - offsetMs(at, timeZone);
  guess = midnightLocal - offsetMs(new Date(guess), timeZone);
  return guess;
}

function read(e: StoredEvent, pointer: string): unknown {
  const [root, ...path] = pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
  let v: unknown =
    root === "payload" ? e.payload : root === "source" ? e.source : root === "type" ? e.type : root === "id" ? e.id : undefined;
  for (const key of root === "payload" ? path : []) {
    v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v === null ? undefined : v;
}

/** Decimals as scaled integers: exact sums of what the generator writes (at most 2 decimals). */
const scaled = (n: number) => BigInt(Math.round(n * 100));
const unscaled = (b: bigint) => Number(b) / 100;

export type OracleRow = Record<string, unknown> & { bucket: number };

export function groupBy(def: RollupDefinition, events: StoredEvent[]): Map<string, OracleRow> {
  const rows = new Map<string, { bucket: number; dims: unknown[]; events: StoredEvent[] }>();
  for (const e of events) {
    if (def.source !== undefined && e.source !== def.source) continue;
    if (def.type?.endsWith(".*") ? !e.type.startsWith(def.type.slice(0, -1)) : def.type !== undefined && e.type !== def.type) continue;
    const bucket = bucketStart(e.occurredAt, def.granularity, def.timeZone);
    const dims = Object.values(def.dimensions).map((p) => read(e, p) ?? null);
    const key = JSON.stringify([bucket, dims]);
    const row = rows.get(key) ?? { bucket, dims, events: [] };
    row.events.push(e);
    rows.set(key, row);
  }
  const out = new Map<string, OracleRow>();
  for (const [key, r] of rows) {
    const row: OracleRow = { bucket: r.bucket };
    for (const [i, name] of Object.keys(def.dimensions).entries()) row[name] = r.dims[i];
    for (const [name, m] of Object.entries(def.measures)) {
      if (m === "count") {
        row[name] = r.events.length;
        continue;
      }
      const [kind, pointer] = Object.entries(m)[0] as [string, string];
      const values = r.events.map((e) => read(e, pointer));
      const numbers = values.filter((v): v is number => typeof v === "number");
      if (kind === "sum") row[name] = unscaled(numbers.reduce((a, n) => a + scaled(n), 0n));
      if (kind === "min") row[name] = numbers.length ? Math.min(...numbers) : null;
      if (kind === "max") row[name] = numbers.length ? Math.max(...numbers) : null;
      if (kind === "distinct") row[name] = new Set(values.filter((v) => v !== undefined).map((v) => JSON.stringify(v))).size;
    }
    out.set(key, row);
  }
  return out;
}

/** Skipped values: sum/min/max measures over events whose value is not a number. */
export function skipped(def: RollupDefinition, events: StoredEvent[]): number {
  let n = 0;
  for (const e of events) {
    if (def.source !== undefined && e.source !== def.source) continue;
    if (def.type?.endsWith(".*") ? !e.type.startsWith(def.type.slice(0, -1)) : def.type !== undefined && e.type !== def.type) continue;
    for (const m of Object.values(def.measures)) {
      if (m === "count" || "distinct" in m) continue;
      if (typeof read(e, Object.values(m)[0]!) !== "number") n++;
    }
  }
  return n;
}
