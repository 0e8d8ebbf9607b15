import { redeliveryDelaySeconds } from "./retry-policy.ts";

/** Hands messages back to the queue, each with the policy's delay for its attempt count. Returns how many. */
export function retryWithBackoff(msgs: readonly Message<unknown>[]): number {
  for (const m of msgs) m.retry({ delaySeconds: redeliveryDelaySeconds(m.attempts) });
  return msgs.length;
}
