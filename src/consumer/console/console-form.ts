/**
 * HTML forms and query strings → the shapes the admin operations take. Pure.
 * Empty fields mean "not given"; a day (YYYY-MM-DD, from a date input) in a
 * time filter is that day's UTC midnight.
 */
import type { DeadLetterFilter } from "../admin/dead-letter-filter.ts";

export const FILTER_FIELDS = [
  "source",
  "type",
  "code",
  "status",
  "eventId",
  "from",
  "to",
] as const satisfies readonly (keyof DeadLetterFilter)[];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

type Fields = Record<string, string | string[] | File | (string | File)[] | undefined>;

const first = (v: Fields[string]): string | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === "string" && x.trim() !== "" ? x.trim() : undefined;
};

/** The dead-letter filter fields present in a form or query. */
export function filterFields(fields: Fields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FILTER_FIELDS) {
    const v = first(fields[name]);
    if (v !== undefined) out[name] = (name === "from" || name === "to") && DAY.test(v) ? `${v}T00:00:00Z` : v;
  }
  return out;
}

/** A replay or discard form: `scope=filter` selects by the filter fields, otherwise the checked `ids`. */
export function selectionFields(fields: Fields): { ids?: string[]; filter?: Record<string, string> } {
  if (first(fields.scope) === "filter") return { filter: filterFields(fields) };
  const ids = ([] as unknown[]).concat(fields.ids ?? []).filter((v): v is string => typeof v === "string" && v !== "");
  return { ids };
}

/** A query string for links that keep the filter (and anything else given), without empty values. */
export function queryString(values: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}
