/**
 * Consumer for the dead-letter queue: messages whose deliveries were all
 * retried away (max_retries) land here and are persisted to the dead-letter
 * table, where operators inspect and replay them. If the database is down the
 * letters are retried too (up to this consumer's own max_retries, set high in
 * wrangler.toml): a dead letter is never dropped silently.
 */
import { consumerClient } from "../db/client.ts";
import { upsertDeadLetters } from "../db/upsert-dead-letters.ts";
import { dbConfig, type Env } from "../env.ts";
import { errorFields, log } from "../lib/log.ts";
import { dedupeByKey, toDeadLetter } from "./dead-letter-record.ts";
import { retryWithBackoff } from "./retry-with-backoff.ts";
import { writeWithRetry } from "./write-with-retry.ts";

export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const letters = batch.messages.map((m) =>
    toDeadLetter({
      messageId: m.id,
      body: m.body,
      attempts: m.attempts,
      errorCode: "retries_exhausted",
      errorMessage: `delivery to the events consumer kept failing with retryable errors; moved to ${batch.queue}`,
    }),
  );
  try {
    const db = consumerClient(dbConfig(env).databaseUrl);
    await writeWithRetry(() => upsertDeadLetters(db, dedupeByKey(letters)));
    for (const m of batch.messages) m.ack();
    log("warn", "dlq.persisted", { count: letters.length });
  } catch (err) {
    log("error", "dlq.persist_failed", { count: letters.length, ...errorFields(err) });
    retryWithBackoff(batch.messages);
  }
}
