/** How the console writes numbers, instants and ages. Pure. */
const COUNT = new Intl.NumberFormat("en-US");

export const formatCount = (n: number | bigint) => COUNT.format(n);

/** "2026-11-27 12:00:03Z": sortable, unambiguous, to the second. */
export function formatInstant(d: Date | string | null | undefined): string {
  if (d === null || d === undefined) return "–";
  const iso = (typeof d === "string" ? new Date(d) : d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** "45 s", "12 min", "3 h 5 min", "4 d 2 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** A JSON value as people read it: indented, keys in the order they were stored. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "null";
}
