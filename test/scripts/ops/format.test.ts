import { describe, expect, it } from "vitest";
import { keyValues, lagLine, lifecycleLine, table } from "../../../scripts/ops/format.ts";

describe("ops CLI formatting", () => {
  it("aligns columns to the widest cell and upper-cases headers", () => {
    const out = table(
      [
        { id: "a", code: "sqlstate_23514" },
        { id: "longer-id", code: null },
      ],
      ["id", "code"],
    );
    expect(out.split("\n")).toEqual(["ID         CODE", "a          sqlstate_23514", "longer-id  -"]);
  });

  it("keeps rows on one line and truncates long cells", () => {
    const out = table([{ m: `line1\nline2 ${"x".repeat(100)}` }], ["m"]);
    expect(out.split("\n")).toHaveLength(2);
    expect(out.split("\n")[1]!.length).toBe(60);
    expect(out).toContain("…");
  });

  it("says so when there is nothing", () => {
    expect(table([], ["id"])).toBe("(none)");
  });

  it("prints key/value pairs aligned", () => {
    expect(keyValues({ a: 1, longer: { x: 1 } })).toBe('a       1\nlonger  {"x":1}');
  });

  it("prints the last hour's lag as quantiles and a count, or says there was none", () => {
    expect(lagLine({ events: 1234, p50Seconds: 1.2, p99Seconds: 45.4 })).toBe("p50 1.20 s, p99 45 s (1,234 events)");
    expect(lagLine({ events: 0, p50Seconds: null, p99Seconds: null })).toBe("no events written in the last hour");
  });

  it("says the events' life cycle in one line", () => {
    const base = { dayPartitions: 8, oldestDay: "2026-12-01", newestDay: "2026-12-08", expiredBefore: null, dedupeWindowDays: 90 };
    expect(lifecycleLine({ ...base, historyBefore: "2026-12-01T00:00:00.000Z", retentionDays: null, nextDropDay: null })).toBe(
      "8 day partitions (2026-12-01 … 2026-12-08), history before 2026-12-01T00:00:00.000Z; nothing expired; kept for ever; dedupe window 90 days",
    );
    expect(
      lifecycleLine({
        ...base,
        historyBefore: null,
        expiredBefore: "2026-11-01T00:00:00.000Z",
        retentionDays: 30,
        nextDropDay: "2027-01-01",
      }),
    ).toBe(
      "8 day partitions (2026-12-01 … 2026-12-08); expired before 2026-11-01T00:00:00.000Z; retention 30 days, next drop 2027-01-01; dedupe window 90 days",
    );
  });
});
