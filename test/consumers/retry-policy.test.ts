import { describe, expect, it } from "vitest";
import { RETRY_POLICY, redeliveryDelaySeconds } from "../../src/consumers/retry-policy.ts";

describe("redeliveryDelaySeconds", () => {
  const p = RETRY_POLICY.redelivery;
  it("grows exponentially between half and all of the exponential delay", () => {
    for (let attempts = 1; attempts <= 5; attempts++) {
      const full = p.baseDelaySeconds * p.factor ** (attempts - 1);
      expect(redeliveryDelaySeconds(attempts, p, () => 0)).toBe(Math.max(1, Math.round(full / 2)));
      expect(redeliveryDelaySeconds(attempts, p, () => 1)).toBe(full);
    }
  });

  it("is capped", () => {
    expect(redeliveryDelaySeconds(50, p, () => 1)).toBe(p.maxDelaySeconds);
  });

  it("spreads retries out (jitter)", () => {
    const seen = new Set(Array.from({ length: 50 }, () => redeliveryDelaySeconds(5)));
    expect(seen.size).toBeGreaterThan(5);
  });

  it("keeps the in-invocation retries short", () => {
    const { retries, maxTimeoutMs } = RETRY_POLICY.inInvocation;
    expect(retries * maxTimeoutMs).toBeLessThanOrEqual(2000);
  });
});
