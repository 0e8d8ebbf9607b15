/**
 * Consumer for the dead-letter queue: messages whose deliveries were all
 * retried away (max_retries) land here and are persisted to the dead-letter
 * table, where operators inspect and replay them: one letter per event of a
 * packet, so that operators see, filter and replay events. Any body can be
 * stored (dead-letter-record.ts), and each letter is written or retried on
 * its own (persist-dead-letters.ts); if the database is down the letters are
 * retried too (up to this consumer's own max_retries, set high in
 * wrangler.toml): a dead letter is never dropped silently.
 */

import { ConfigError } from "../../shared/errors/config-error.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
import type { ConsumerEnv } from "../consumer-env.ts";
import { withDatabase } from "../db/client.ts";
import { persistDeadLetters } from "./persist-dead-letters.ts";
import { eventLetter, readBatch } from "./read-batch.ts";
import { RETRY_POLICY, type RetryPolicy, redeliveryPolicy, retryWithBackoff } from "./retry-policy.ts";

const RETRIES_EXHAUSTED = "retries_exhausted";

export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: ConsumerEnv, ctx: ExecutionContext): Promise<void> {
  const reason = {
    code: RETRIES_EXHAUSTED,
    message: `delivery to the events consumer kept failing with retryable errors; moved to ${batch.queue}`,
  };
  const { events, letters } = readBatch(batch.messages, RETRIES_EXHAUSTED);
  const all = [...events.map((e) => eventLetter(e.msg, e.event, reason)), ...letters];
  let outcome: Awaited<ReturnType<typeof persistDeadLetters<Message<unknown>>>>;
  let redelivery: RetryPolicy["redelivery"] = RETRY_POLICY.redelivery;
  try {
    redelivery = redeliveryPolicy(env);
    outcome = await withDatabase(env, ctx, (database) => persistDeadLetters(database.pg, all, { timeoutMs: database.timeoutMs }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log("error", "dlq.config_invalid", errorFields(err));
    retryWithBackoff(batch.messages, redelivery);
    return;
  }
  const { stored, unstored } = outcome;
  const retry = new Set(unstored);
  for (const m of batch.messages) if (!retry.has(m)) m.ack();
  retryWithBackoff([...retry], redelivery);
  if (stored.length > 0) log("warn", "dlq.persisted", { letters: stored.length });
  if (retry.size > 0) log("error", "dlq.persist_failed", { messages: retry.size });
}
