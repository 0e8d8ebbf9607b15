// safeNext, the login's redirect target: for any input, a same-origin console
// path that a Location header can carry. Seeded property test plus the
// inputs a red team used.
import { describe, expect, it } from "vitest";
import { safeNext } from "../../src/consumer/console/safe-next.ts";
import { prng } from "../support/prng.ts";

const ORIGIN = "https://ops.example";
const ALPHABET = [
  "/",
  "..",
  "%2e",
  "%2E%2e",
  "./",
  "\\",
  "?",
  "#",
  "%",
  "0",
  "D",
  "A",
  ".",
  ":",
  "@",
  "\r",
  "\n",
  "\u0000",
  "\t",
  " ",
  "é",
  "\u2028",
  "c",
  "o",
  "n",
  "s",
  "l",
  "e",
  "=",
  "&",
];

function holds(next: string) {
  const out = safeNext(next);
  expect(() => new Headers({ location: out })).not.toThrow();
  const url = new URL(out, ORIGIN);
  expect(url.origin).toBe(ORIGIN);
  expect(url.pathname === "/console" || url.pathname.startsWith("/console/")).toBe(true);
  // What it answers is already resolved: asked again, it answers the same.
  expect(safeNext(out)).toBe(out);
}

describe("safeNext", () => {
  it("keeps console paths and queries as they are", () => {
    for (const p of ["/console", "/console/dead-letters?status=pending&code=x", "/console?x=%0D%0A", "/console/replay-jobs/abc"])
      expect(safeNext(p)).toBe(p);
  });

  it("sends anything else to /console", () => {
    for (const p of [
      "/console?a\r\nb",
      "//evil.example",
      "/console//evil.example",
      "/console\\@evil",
      "https://evil.example",
      "/consolex",
      "/console\u0000",
      " /console",
      "/console é",
      undefined,
      42,
    ]) {
      expect(safeNext(p)).toBe("/console");
    }
  });

  it("resolves dot segments, encoded or not, before the check: nothing outside /console is followed", () => {
    for (const p of [
      "/console/..//evil.example",
      "/console/../admin/stats",
      "/console/%2e%2e/admin/stats",
      "/console/%2E%2e//evil.example",
      "/console/.%2e/",
      "/console/%2e./x",
      "/console/./../",
      "/console/x/../../evil",
      "/console/%2f%2fevil.example",
      "/console/%5cevil",
      "/console/a//b",
    ])
      expect(safeNext(p), p).toBe("/console");
    expect(safeNext("/console/./dead-letters/../replay-jobs/abc?x=1")).toBe("/console/replay-jobs/abc?x=1");
  });

  it("holds for random strings (seeded)", () => {
    const seed = Number(process.env.FUZZ_SEED ?? 7);
    const rng = prng(seed);
    for (let i = 0; i < 5000; i++) {
      const tail = Array.from({ length: rng.int(12) }, () => rng.pick(ALPHABET)).join("");
      holds(rng.next() < 0.7 ? `/console${tail}` : tail);
    }
  });
});
