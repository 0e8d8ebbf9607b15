import { describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_SECONDS, lagQuantile } from "../../src/shared/lib/lag-buckets.ts";

const counts = (entries: Record<number, number>) => Array.from({ length: LAG_BUCKET_BOUNDS_SECONDS.length + 1 }, (_, i) => entries[i] ?? 0);

describe("lagQuantile", () => {
  it("is null without events", () => {
    expect(lagQuantile(counts({}), 0.5)).toBeNull();
  });

  it("interpolates inside the bucket the rank falls in", () => {
    // 100 events all in bucket 3 (0.5 s – 1 s): the median is halfway.
    expect(lagQuantile(counts({ 3: 100 }), 0.5)).toBeCloseTo(0.75);
    // 99 fast (bucket 0: 0 – 0.1 s), 1 slow (bucket 6: 5 – 10 s): p50 fast, p99 at the top of the fast bucket.
    expect(lagQuantile(counts({ 0: 99, 6: 1 }), 0.5)).toBeCloseTo(0.0505);
    expect(lagQuantile(counts({ 0: 99, 6: 1 }), 0.995)).toBeGreaterThan(5);
  });

  it("answers the overflow bucket with its lower bound: all that is known", () => {
    expect(lagQuantile(counts({ [LAG_BUCKET_BOUNDS_SECONDS.length]: 5 }), 0.99)).toBe(3600);
  });
});
