// The pure parts of rollups users define: definitions, pointers, bucket
// labels, the data's JSON and CSV, a chart's series.
import { describe, expect, it } from "vitest";
import { type CellRow, columns, dataRow, rowsCsv, rowsJson } from "../../src/consumer/rollups/user-defined/data-rows.ts";
import { rollupDefinitionSchema } from "../../src/consumer/rollups/user-defined/definition-schema.ts";
import { pointerTarget, pointerTokens } from "../../src/consumer/rollups/user-defined/json-pointer.ts";
import { bucketLabels, seriesOf } from "../../src/consumer/rollups/user-defined/series.ts";
import { formatInZone } from "../../src/consumer/rollups/user-defined/zoned-time.ts";

describe("JSON Pointers", () => {
  it("unescape ~1 and ~0 and read columns or paths", () => {
    expect(pointerTokens("/payload/a~1b/c~0d")).toEqual(["payload", "a/b", "c~d"]);
    expect(pointerTarget("/payload/items/0")).toEqual({ column: "payload", path: ["items", "0"] });
    expect(pointerTarget("/source")).toEqual({ column: "source" });
    expect(pointerTarget("payload/x")).toHaveProperty("error");
    expect(pointerTarget("/source/x")).toHaveProperty("error");
    expect(pointerTarget("/occurredAt")).toHaveProperty("error");
    expect(pointerTarget("/payload/bad~2")).toHaveProperty("error");
  });
});

describe("a definition", () => {
  it("defaults its zone to UTC and its dimensions to none, and keeps the order of its columns", () => {
    const d = rollupDefinitionSchema.parse({ granularity: "day", measures: { z: "count", a: { sum: "/payload/x" } } });
    expect(d).toEqual({ granularity: "day", timeZone: "UTC", dimensions: {}, measures: { z: "count", a: { sum: "/payload/x" } } });
    expect(columns(d)).toEqual(["bucket", "z", "a"]);
  });

  it("accepts a type prefix and refuses a bare star", () => {
    expect(rollupDefinitionSchema.safeParse({ type: "order.*", granularity: "day", measures: { n: "count" } }).success).toBe(true);
    expect(rollupDefinitionSchema.safeParse({ type: "*", granularity: "day", measures: { n: "count" } }).success).toBe(false);
  });
});

describe("bucket labels", () => {
  it("carry the zone's offset at the instant, so the repeated hour reads twice", () => {
    expect(formatInZone(new Date("2026-11-01T05:00:00Z"), "America/New_York")).toBe("2026-11-01T01:00:00-04:00");
    expect(formatInZone(new Date("2026-11-01T06:00:00Z"), "America/New_York")).toBe("2026-11-01T01:00:00-05:00");
    expect(formatInZone(new Date("2026-06-01T18:15:00Z"), "Asia/Kathmandu")).toBe("2026-06-02T00:00:00+05:45");
    expect(formatInZone(new Date("2026-06-01T00:00:00Z"), "UTC")).toBe("2026-06-01T00:00:00+00:00");
  });
});

const def = rollupDefinitionSchema.parse({
  granularity: "hour",
  dimensions: { country: "/payload/country" },
  measures: {
    orders: "count",
    revenue: { sum: "/payload/amount" },
    low: { min: "/payload/amount" },
    buyers: { distinct: "/payload/user" },
  },
});
const cell = (bucket: string, dims: string, n: [string, string, string, string], sum: string, low: string | null): CellRow => ({
  bucket: new Date(bucket),
  dims,
  measures: ["orders", "revenue", "low", "buyers"],
  n,
  sum: [null, sum, null, null],
  min: [null, null, low, null],
  max: [null, null, null, null],
});

describe("the data", () => {
  const rows = [
    cell("2026-11-01T05:00:00Z", '["US"]', ["3", "3", "3", "2"], "123456789012345678901.25", "0.1"),
    cell("2026-11-01T05:00:00Z", "[null]", ["1", "0", "0", "1"], "0", null),
    cell("2026-11-01T06:00:00Z", '["a,\\"b\\""]', ["2", "2", "2", "1"], "4", "2"),
  ].map((c) => dataRow(def, c));

  it("is JSON with numbers written exactly", () => {
    const text = rowsJson(def, rows, null);
    expect(text).toContain('"revenue":123456789012345678901.25');
    expect(JSON.parse(text).rows[1]).toEqual({
      bucket: "2026-11-01T05:00:00+00:00",
      country: null,
      orders: 1,
      revenue: 0,
      low: null,
      buyers: 1,
    });
  });

  it("is CSV with the same columns, quoted where needed", () => {
    expect(rowsCsv(def, rows).split("\r\n")).toEqual([
      "bucket,country,orders,revenue,low,buyers",
      "2026-11-01T05:00:00+00:00,US,3,123456789012345678901.25,0.1,2",
      "2026-11-01T05:00:00+00:00,,1,0,,1",
      '2026-11-01T06:00:00+00:00,"a,""b""",2,4,2,1',
      "",
    ]);
  });

  it("charts a measure per bucket, combining dimension values as the measure does", () => {
    expect(seriesOf(def, rows, "orders")).toEqual({
      buckets: ["2026-11-01T05:00:00+00:00", "2026-11-01T06:00:00+00:00"],
      values: new Map([
        ["2026-11-01T05:00:00+00:00", 4],
        ["2026-11-01T06:00:00+00:00", 2],
      ]),
      combined: true,
    });
    expect(seriesOf(def, rows, "low").values.get("2026-11-01T05:00:00+00:00")).toBe(0.1);
  });
});

describe("bucket labels for a chart", () => {
  it("name every local hour, twice the repeated one, and every local day", () => {
    const hours = bucketLabels(new Date("2026-11-01T04:00:00Z"), new Date("2026-11-01T08:00:00Z"), "hour", "America/New_York");
    expect(hours).toEqual([
      "2026-11-01T00:00:00-04:00",
      "2026-11-01T01:00:00-04:00",
      "2026-11-01T01:00:00-05:00",
      "2026-11-01T02:00:00-05:00",
    ]);
    const kathmandu = bucketLabels(new Date("2026-06-01T18:00:00Z"), new Date("2026-06-01T20:00:00Z"), "hour", "Asia/Kathmandu");
    expect(kathmandu).toEqual(["2026-06-02T00:00:00+05:45", "2026-06-02T01:00:00+05:45"]);
    const days = bucketLabels(new Date("2026-10-31T04:00:00Z"), new Date("2026-11-03T05:00:00Z"), "day", "America/New_York");
    expect(days).toEqual(["2026-10-31T00:00:00-04:00", "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00"]);
  });
});
