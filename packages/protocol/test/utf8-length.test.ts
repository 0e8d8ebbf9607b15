import { describe, expect, it } from "vitest";
import { prng } from "../../../test/support/prng.ts";
import { utf8Length } from "../src/utf8-length.ts";

describe("utf8Length", () => {
  it("equals the length of TextEncoder's bytes, for ASCII, 2-, 3- and 4-byte characters and unpaired surrogates", () => {
    const pieces = ["a", "é", "€", "😀", "\ud800", "\udc00", "\u0000", "ß", "中", "\u07ff", "\u0800", "\uffff"];
    const rng = prng(3);
    for (let n = 0; n < 500; n++) {
      const s = Array.from({ length: rng.int(20) }, () => rng.pick(pieces)).join("");
      expect(utf8Length(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
    }
  });
});
