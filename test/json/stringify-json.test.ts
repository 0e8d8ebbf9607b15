import { describe, expect, it } from "vitest";
import { stringifyJson } from "../../src/shared/json/stringify-json.ts";
import { prng } from "../support/prng.ts";
import { randomJson } from "../support/random-json.ts";

describe("stringifyJson", () => {
  it("writes what JSON.stringify writes for JSON data (200 seeded values, NUL and unpaired surrogates included)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const value = { v: randomJson(prng(seed), 6), odd: ["a\u0000b", "\ud800", "😀", -0, 1e21] };
      expect(stringifyJson(value), `seed ${seed}`).toBe(JSON.stringify(value));
    }
  });

  it("writes a value nested 100,000 levels deep, where JSON.stringify throws", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const text = stringifyJson(deep);
    expect(text.length).toBe(200_002);
    expect(JSON.parse(text)).toBeDefined();
  });
});
