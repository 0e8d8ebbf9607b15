/**
 * Consumer for the dead-letter queue: messages whose deliveries were all
 * retried away (max_retries) land here and are persisted to the dead-letter
 * table, where operators inspect and replay them. Any body can be stored
 * (dead-letter-record.ts), and each letter is written or retried on its own
 * (persist-dead-letters.ts); if the database is down the letters are retried
 * too (up to this consumer's own max_retries, set high in wrangler.toml): a
 * dead letter is never dropped silently.
 */

import { type ConsumerEnv, dbConfig } from "../config/consumer-env.ts";
import { consumerClient } from "../db/client.ts";
import { errorFields, log } from "../lib/log.ts";
import { persistDeadLetters } from "./persist-dead-letters.ts";
import { retryWithBackoff } from "./retry-policy.ts";

export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: ConsumerEnv): Promise<void> {
  let cfg: ReturnType<typeof dbConfig>;
  try {
    cfg = dbConfig(env);
  } catch (err) {
    log("error", "dlq.config_invalid", errorFields(err));
    retryWithBackoff(batch.messages);
    return;
  }
  const items = batch.messages.map((msg) => {
    let body: unknown;
    try {
      body = msg.body;
    } catch {
      body = undefined;
    }
    return {
      msg,
      failure: {
        messageId: msg.id,
        body,
        attempts: msg.attempts,
        errorCode: "retries_exhausted",
        errorMessage: `delivery to the events consumer kept failing with retryable errors; moved to ${batch.queue}`,
      },
    };
  });
  const { stored, unstored } = await persistDeadLetters(consumerClient(cfg.databaseUrl), items, { timeoutMs: cfg.timeoutMs });
  for (const m of stored) m.ack();
  retryWithBackoff(unstored);
  if (stored.length > 0) log("warn", "dlq.persisted", { count: stored.length });
  if (unstored.length > 0) log("error", "dlq.persist_failed", { count: unstored.length });
}
