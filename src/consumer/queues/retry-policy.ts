/**
 * How the consumer retries. Two layers, both exponential with jitter so that
 * thousands of isolates failing together do not retry in lockstep and hammer
 * a recovering database (AWS "Exponential Backoff and Jitter").
 *
 * - inInvocation: a few quick attempts inside one queue invocation, for blips
 *   (a dropped pool connection). Bounded to ~1.5 s in total so the invocation
 *   stays far inside its wall-clock limit.
 * - redelivery: after that, `msg.retry({ delaySeconds })` hands the message
 *   back to the queue. Delay grows with the delivery attempt, capped, so an
 *   outage of minutes is ridden out within `max_retries` (wrangler.toml).
 */
import { type ConsumerEnv, redeliveryBaseDelaySeconds } from "../consumer-env.ts";

export interface RetryPolicy {
  inInvocation: { retries: number; minTimeoutMs: number; maxTimeoutMs: number; factor: number };
  redelivery: { baseDelaySeconds: number; maxDelaySeconds: number; factor: number };
}

export const RETRY_POLICY = {
  inInvocation: { retries: 2, minTimeoutMs: 200, maxTimeoutMs: 1000, factor: 2 },
  redelivery: { baseDelaySeconds: 5, maxDelaySeconds: 300, factor: 2 },
} as const satisfies RetryPolicy;

/**
 * Delay before redelivery attempt `attempts` (1 = first delivery failed).
 * "Equal jitter": half the exponential delay fixed, half random, so the delay
 * never collapses to zero yet spreads retries out.
 */
export function redeliveryDelaySeconds(
  attempts: number,
  policy: RetryPolicy["redelivery"] = RETRY_POLICY.redelivery,
  random: () => number = Math.random,
): number {
  const exp = policy.baseDelaySeconds * policy.factor ** Math.max(0, attempts - 1);
  const capped = Math.min(policy.maxDelaySeconds, exp);
  return Math.max(1, Math.round(capped / 2 + random() * (capped / 2)));
}

/**
 * The redelivery policy with the first delay the consumer's env sets
 * (REDELIVERY_BASE_DELAY_SECONDS), the default's otherwise. Throws
 * ConfigError for a value out of range.
 */
export function redeliveryPolicy(env: Pick<ConsumerEnv, "REDELIVERY_BASE_DELAY_SECONDS">): RetryPolicy["redelivery"] {
  const baseDelaySeconds = redeliveryBaseDelaySeconds(env);
  return baseDelaySeconds === undefined ? RETRY_POLICY.redelivery : { ...RETRY_POLICY.redelivery, baseDelaySeconds };
}

/** Hands messages back to the queue, each with the policy's delay for its attempt count. Returns how many. */
export function retryWithBackoff(
  msgs: readonly { attempts: number; retry(options: { delaySeconds: number }): void }[],
  policy: RetryPolicy["redelivery"] = RETRY_POLICY.redelivery,
): number {
  for (const m of msgs) m.retry({ delaySeconds: redeliveryDelaySeconds(m.attempts, policy) });
  return msgs.length;
}
