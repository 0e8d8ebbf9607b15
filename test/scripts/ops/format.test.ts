import { describe, expect, it } from "vitest";
import { keyValues, table } from "../../../scripts/ops/format.ts";

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
});
