import { describe, expect, it } from "vitest";
import { findUnstorable, isStorableInstant, isStorableText, sliceText, toStorableText } from "../../src/shared/events/storable.ts";

const nested = (levels: number) => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe("storable rules", () => {
  it("refuses NUL and unpaired surrogates in text, keeps pairs (emoji) and escaped text", () => {
    for (const s of ["a\u0000b", "\ud800", "x\udc00", "\udc00\ud800"]) expect(isStorableText(s), JSON.stringify(s)).toBe(false);
    for (const s of ["", "😀", "ünï", "\\u0000 is six characters here", "\u2028"]) expect(isStorableText(s), s).toBe(true);
  });

  it("finds the first unstorable value with its path, in keys as in values", () => {
    expect(findUnstorable({ a: [1, { b: "ok" }, { c: "x\u0000" }] })).toEqual({
      path: ["a", 2, "c"],
      message: expect.stringContaining("NUL"),
    });
    expect(findUnstorable({ ok: 1, "bad\ud800": 1 })).toEqual({ path: ["bad\ud800"], message: expect.stringContaining("key") });
    expect(findUnstorable({ n: Number.POSITIVE_INFINITY })).toMatchObject({ path: ["n"] });
    expect(findUnstorable({ u: undefined })).toMatchObject({ path: ["u"] });
    expect(findUnstorable({ d: new Date() })).toMatchObject({ path: ["d"], message: "must be plain JSON" });
    expect(findUnstorable({ a: "😀", b: [true, null, 1.5] })).toBeUndefined();
  });

  it("counts nested arrays and objects, the value itself first: exactly the limit passes, one more fails, at any depth", () => {
    expect(findUnstorable(nested(64), 64)).toBeUndefined();
    expect(findUnstorable(nested(65), 64)).toMatchObject({ message: "nests deeper than 64 levels", path: Array(64).fill(0) });
    expect(findUnstorable(nested(200_000), 64)).toMatchObject({ message: "nests deeper than 64 levels" });
  });

  it("escapes what Postgres refuses for messages, and cuts text without splitting a pair", () => {
    expect(toStorableText("a\u0000b\ud800")).toBe("a\\u0000b\\ud800");
    expect(sliceText("ab😀", 3)).toBe("ab");
    expect(sliceText("ab😀", 4)).toBe("ab😀");
  });

  it("takes instants from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z", () => {
    expect(isStorableInstant(Date.parse("0001-01-01T00:00:00Z"))).toBe(true);
    expect(isStorableInstant(Date.parse("0001-01-01T00:00:00+01:00"))).toBe(false);
    expect(isStorableInstant(Date.parse("0000-01-01T00:00:00Z"))).toBe(false);
    expect(isStorableInstant(Date.parse("9999-12-31T23:59:59.999Z"))).toBe(true);
    expect(isStorableInstant(Date.parse("9999-12-31T23:59:59.999-00:01"))).toBe(false);
    expect(isStorableInstant(Number.NaN)).toBe(false);
  });
});
