import { describe, expect, it } from "vitest";
import { JsonSyntaxError } from "../../src/shared/errors/json-syntax-error.ts";
import { parseJson } from "../../src/shared/json/parse-json.ts";
import { prng } from "../support/prng.ts";
import { randomJson } from "../support/random-json.ts";

const parse = (text: string, maxDepth = 100) => parseJson(text, { maxDepth });

describe("parseJson", () => {
  it("returns what JSON.parse returns for any JSON, and reports nothing (200 seeded documents)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = JSON.stringify(randomJson(prng(seed), 6), null, seed % 3 === 0 ? 2 : undefined);
      const r = parse(text);
      expect(r.problems, `seed ${seed}`).toEqual([]);
      expect(r.value, `seed ${seed}`).toStrictEqual(JSON.parse(text));
    }
  });

  it("keeps the first of repeated keys and reports the repeat with its path", () => {
    const r = parse('{"a":{"b":1,"b":2},"c":[{"d":1,"d":1}]}');
    expect(r.value).toStrictEqual({ a: { b: 1 }, c: [{ d: 1 }] });
    expect(r.problems.map((p) => [p.kind, p.path])).toEqual([
      ["duplicate_key", ["a", "b"]],
      ["duplicate_key", ["c", 0, "d"]],
    ]);
  });

  it("reports numbers whose value would change on the way to the database, and accepts other spellings of a number", () => {
    // 2^60 is a double, but JavaScript writes it as 1152921504606847000: the stored decimal would differ.
    const inexact = [
      "1e400",
      "-1e400",
      "1e-400",
      "9007199254740993",
      "0.30000000000000001",
      "123456789012345678901234567890",
      "1152921504606846976",
    ];
    for (const n of inexact)
      expect(parse(`{"n":${n}}`).problems, n).toEqual([expect.objectContaining({ kind: "inexact_number", path: ["n"] })]);
    const exact = [
      "0",
      "-0",
      "1.50",
      "1e2",
      "15E-1",
      "9007199254740992",
      "1152921504606847000",
      "0.1",
      "-12.345e-3",
      "5e-324",
      "1.7976931348623157e308",
    ];
    for (const n of exact) expect(parse(`[${n}]`).problems, n).toEqual([]);
  });

  it("keeps a __proto__ key as data, as JSON.parse does", () => {
    const r = parse('{"__proto__":{"admin":true},"a":1}');
    expect(Object.keys(r.value as object)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(JSON.stringify(r.value)).toBe('{"__proto__":{"admin":true},"a":1}');
  });

  it("skips what nests past maxDepth without building it, and reports where", () => {
    const r = parse('{"a":[[[1]]],"b":2}', 3);
    expect(r.problems).toEqual([expect.objectContaining({ kind: "too_deep", path: ["a", 0, 0] })]);
    expect(r.value).toStrictEqual({ a: [[undefined]], b: 2 });
  });

  it("reads 200,000 levels of nesting without exhausting the stack", () => {
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    expect(parse(deep, 64).problems).toEqual([expect.objectContaining({ kind: "too_deep" })]);
    expect(() => parse(deep, 300_000)).not.toThrow();
  });

  it("throws JsonSyntaxError with the position for text that is not JSON", () => {
    const bad = ["", "{", '{"a":1,}', "[1,]", "{'a':1}", "NaN", "01", '"\u0001"', '"\\x"', "[1] x", '{"a" 1}', "tru", '"abc'];
    for (const text of bad) {
      let thrown: unknown;
      try {
        parse(text);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(text)).toBeInstanceOf(JsonSyntaxError);
      expect(() => JSON.parse(text), JSON.stringify(text)).toThrow();
    }
    expect(() => parse("[1, 2, x]")).toThrowError(expect.objectContaining({ position: 7 }));
  });

  it("decodes escapes exactly, unpaired surrogates included (storability is a separate rule)", () => {
    expect(parse('["a\\u0000b","\\ud800","\\ud83d\\ude00","\\n\\"\\\\\\/"]').value).toStrictEqual(["a\u0000b", "\ud800", "😀", '\n"\\/']);
  });
});
