import { describe, expect, it } from "vitest";
import { RETRY_POLICY, redeliveryDelaySeconds, redeliveryPolicy, retryWithBackoff } from "../../src/consumer/queues/retry-policy.ts";
import { prng } from "../support/prng.ts";

const p = RETRY_POLICY.redelivery;

describe("redeliveryDelaySeconds", () => {
  it("stays between 1 s and the cap, whatever the attempt and the jitter", () => {
    const rng = prng(11);
    for (let n = 0; n < 2000; n++) {
      const delay = redeliveryDelaySeconds(1 + rng.int(40), p, rng.next);
      expect(delay).toBeGreaterThanOrEqual(1);
      expect(delay).toBeLessThanOrEqual(p.maxDelaySeconds);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it("never shrinks from one attempt to the next, at either end of the jitter, and reaches the cap", () => {
    for (const jitter of [0, 0.5, 0.999]) {
      const delays = Array.from({ length: 20 }, (_, i) => redeliveryDelaySeconds(i + 1, p, () => jitter));
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    }
    expect(redeliveryDelaySeconds(20, p, () => 0.999)).toBe(p.maxDelaySeconds);
    expect(redeliveryDelaySeconds(2, p, () => 0)).toBeGreaterThan(redeliveryDelaySeconds(1, p, () => 0));
  });

  it("keeps half of each delay fixed and jitters the other half: the lowest is about half the highest, never zero", () => {
    for (let attempts = 1; attempts <= 12; attempts++) {
      const low = redeliveryDelaySeconds(attempts, p, () => 0);
      const high = redeliveryDelaySeconds(attempts, p, () => 0.999);
      expect(low).toBeGreaterThanOrEqual(Math.floor(high / 2));
      expect(low).toBeLessThanOrEqual(Math.ceil(high / 2) + 1);
    }
  });

  it("spreads the retries of one attempt out (seeded jitter gives many distinct delays)", () => {
    const rng = prng(5);
    const seen = new Set(Array.from({ length: 200 }, () => redeliveryDelaySeconds(6, p, rng.next)));
    expect(seen.size).toBeGreaterThan(20);
  });

  it("keeps the in-invocation retries short", () => {
    const { retries, maxTimeoutMs } = RETRY_POLICY.inInvocation;
    expect(retries * maxTimeoutMs).toBeLessThanOrEqual(2000);
  });
});

describe("retryWithBackoff", () => {
  it("hands each message back with the delay for its own attempt count", () => {
    const calls: [number, number][] = [];
    const msgs = [1, 4, 30].map((attempts) => ({
      attempts,
      retry: (o: { delaySeconds: number }) => calls.push([attempts, o.delaySeconds]),
    }));
    expect(retryWithBackoff(msgs)).toBe(3);
    expect(calls.map(([a]) => a)).toEqual([1, 4, 30]);
    expect(calls[2]![1]).toBeGreaterThanOrEqual(calls[0]![1]);
    expect(calls[2]![1]).toBeLessThanOrEqual(p.maxDelaySeconds);
  });

  it("starts from the first delay it is given (REDELIVERY_BASE_DELAY_SECONDS), the default's otherwise", () => {
    expect(redeliveryPolicy({})).toBe(RETRY_POLICY.redelivery);
    const delays: number[] = [];
    const msg = { attempts: 1, retry: (o: { delaySeconds: number }) => delays.push(o.delaySeconds) };
    for (let i = 0; i < 50; i++) retryWithBackoff([msg], redeliveryPolicy({ REDELIVERY_BASE_DELAY_SECONDS: "1" }));
    expect(new Set(delays)).toEqual(new Set([1]));
    const defaults: number[] = [];
    for (let i = 0; i < 50; i++) retryWithBackoff([{ ...msg, retry: (o) => defaults.push(o.delaySeconds) }]);
    expect(Math.min(...defaults)).toBeGreaterThanOrEqual(Math.round(p.baseDelaySeconds / 2));
  });
});
