import { describe, expect, it } from "vitest";
import { prng } from "../../test/support/prng.ts";
import { backoffDelay, parseRetryAfter, retryDelay } from "../src/retry-delay.ts";

const opts = { minDelayMs: 200, maxDelayMs: 60_000 };

describe("retry delays", () => {
  it("stay within [ceiling/2, ceiling] where the ceiling doubles per attempt up to the cap", () => {
    const rng = prng(11);
    for (let attempt = 1; attempt <= 20; attempt++) {
      const ceiling = Math.min(opts.maxDelayMs, opts.minDelayMs * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, opts, rng.next);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("spread: retries that failed together do not all wait the same", () => {
    const rng = prng(5);
    const delays = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(4, opts, rng.next))));
    expect(delays.size).toBeGreaterThan(40);
  });

  it("grow with the attempt until the cap", () => {
    expect(backoffDelay(2, opts, () => 0)).toBe(2 * backoffDelay(1, opts, () => 0));
    expect(backoffDelay(30, opts, () => 0.999)).toBeLessThanOrEqual(opts.maxDelayMs);
  });

  it("honour Retry-After as a floor, up to the cap", () => {
    expect(retryDelay(1, 5_000, opts, () => 0)).toBe(5_000);
    expect(retryDelay(1, 600_000, opts, () => 0)).toBe(opts.maxDelayMs);
    expect(retryDelay(12, 0, opts, () => 0)).toBe(backoffDelay(12, opts, () => 0));
  });

  it("read Retry-After as seconds or an HTTP-date", () => {
    const now = Date.parse("2026-11-27T12:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Fri, 27 Nov 2026 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Fri, 27 Nov 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-1", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
