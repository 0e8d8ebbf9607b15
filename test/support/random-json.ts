import type { prng } from "./prng.ts";

type Rng = ReturnType<typeof prng>;

const KEYS = ["a", "b", "id", "__proto__", "é", "😀", "", "with space", "x".repeat(40)];
const STRINGS = ["", "plain", "ünïcödé", "😀🎉", 'quote " and \\ backslash', "line\nbreak\ttab", "\u2028", "<script>"];
const NUMBERS = [0, -1, 1.5, 12.5, 1e21, -2.5e-7, 9007199254740991, 0.1, 123456789];

/** A random JSON value (only JSON's own types, exactly representable numbers, unique keys), depth ≤ maxDepth. */
export function randomJson(rng: Rng, maxDepth: number): unknown {
  const kind = rng.int(maxDepth > 1 ? 7 : 4);
  if (kind === 0) return rng.pick(STRINGS);
  if (kind === 1) return rng.pick(NUMBERS);
  if (kind === 2) return rng.pick([true, false]);
  if (kind === 3) return null;
  if (kind === 4) return Array.from({ length: rng.int(4) }, () => randomJson(rng, maxDepth - 1));
  const entries = [...new Set(Array.from({ length: rng.int(5) }, () => rng.pick(KEYS)))].map((k) => [k, randomJson(rng, maxDepth - 1)]);
  return Object.fromEntries(entries);
}
