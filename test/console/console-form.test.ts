import { describe, expect, it } from "vitest";
import { filterFields, queryString, selectionFields } from "../../src/consumer/console/console-form.ts";

describe("console forms", () => {
  it("keeps only given filter fields and reads a day as its UTC midnight", () => {
    expect(
      filterFields({ source: " shop ", type: "", code: "x", from: "2026-11-01", to: "2026-11-02T10:00:00Z", cursor: "c", other: "y" }),
    ).toEqual({
      source: "shop",
      code: "x",
      from: "2026-11-01T00:00:00Z",
      to: "2026-11-02T10:00:00Z",
    });
  });

  it("selects by filter only when asked to, otherwise the checked ids", () => {
    expect(selectionFields({ scope: "filter", source: "shop", ids: ["a"] })).toEqual({ filter: { source: "shop" } });
    expect(selectionFields({ ids: ["a", "b"], source: "shop" })).toEqual({ ids: ["a", "b"] });
    expect(selectionFields({ ids: "a" })).toEqual({ ids: ["a"] });
    expect(selectionFields({})).toEqual({ ids: [] });
  });

  it("writes links that keep the filter, without empty values", () => {
    expect(queryString({ source: "a b", code: "", cursor: undefined, status: "pending" })).toBe("?source=a+b&status=pending");
    expect(queryString({})).toBe("");
  });
});
