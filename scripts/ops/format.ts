/** Human output for the ops CLI: aligned tables. Pure. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return "(none)";
  const cell = (v: unknown) =>
    (v === null || v === undefined
      ? "-"
      : v instanceof Date
        ? v.toISOString()
        : typeof v === "object"
          ? JSON.stringify(v)
          : String(v)
    ).replace(/\s+/g, " ");
  const cells = rows.map((r) => columns.map((c) => truncate(cell(r[c]), 60)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join("\n");
}

/** key: value lines, keys aligned. */
export function keyValues(obj: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(obj).map((k) => k.length));
  return Object.entries(obj)
    .map(([k, v]) => `${k.padEnd(width)}  ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v ?? "-")}`)
    .join("\n");
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The last hour's ingest → row lag as a line: "p50 1.2 s, p99 4.5 s (1,234 events)". */
export function lagLine(lag: { events: number; p50Seconds: number | null; p99Seconds: number | null }): string {
  if (lag.events === 0 || lag.p50Seconds === null || lag.p99Seconds === null) return "no events written in the last hour";
  const s = (v: number) => (v < 10 ? `${v.toFixed(2)} s` : `${Math.round(v)} s`);
  return `p50 ${s(lag.p50Seconds)}, p99 ${s(lag.p99Seconds)} (${lag.events.toLocaleString("en-US")} events)`;
}

/** The events' life cycle of /admin/stats as one line an operator reads. */
export function lifecycleLine(l: {
  dayPartitions: number;
  oldestDay: string | null;
  newestDay: string | null;
  historyBefore: string | null;
  expiredBefore: string | null;
  retentionDays: number | null;
  nextDropDay: string | null;
  dedupeWindowDays: number;
}): string {
  return [
    `${l.dayPartitions} day partitions${l.oldestDay ? ` (${l.oldestDay} … ${l.newestDay})` : ""}${l.historyBefore ? `, history before ${l.historyBefore}` : ""}`,
    l.expiredBefore ? `expired before ${l.expiredBefore}` : "nothing expired",
    l.retentionDays === null ? "kept for ever" : `retention ${l.retentionDays} days, next drop ${l.nextDropDay ?? "-"}`,
    `dedupe window ${l.dedupeWindowDays} days`,
  ].join("; ");
}
