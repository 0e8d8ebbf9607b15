/**
 * Queue consumer for the main events queue: one database round trip per
 * batch, a per-message verdict, nothing lost.
 *
 * - valid messages are written in one statement; written and duplicate
 *   messages are acked one by one (never ackAll/retryAll for one bad message)
 * - a retryable failure sends the affected messages back with an
 *   exponential, jittered delay; after max_retries the queue moves them to the
 *   dead-letter queue
 * - a permanent failure is bisected to the offending messages, which go
 *   straight to the dead-letter table; the rest are written
 * - bodies that fail the shared schema are dead-lettered at once
 */
import { consumerClient, type RawSql } from "../db/client.ts";
import { insertEvents } from "../db/insert-events.ts";
import { upsertDeadLetters } from "../db/upsert-dead-letters.ts";
import { dbConfig, type Env } from "../env.ts";
import { classifyDbError } from "../errors/classify-db-error.ts";
import { type EventMessage, eventMessageSchema } from "../events/event-schema.ts";
import { errorFields, log } from "../lib/log.ts";
import { bisectWrite } from "./bisect-write.ts";
import { dedupeByKey, type FailedMessage, toDeadLetter } from "./dead-letter-record.ts";
import { retryWithBackoff } from "./retry-with-backoff.ts";
import { writeWithRetry } from "./write-with-retry.ts";

type Msg = Message<unknown>;
interface Valid {
  msg: Msg;
  event: EventMessage;
}

export interface BatchReport {
  written: number;
  duplicates: number;
  retried: number;
  deadLettered: number;
}

export async function handleEventBatch(batch: MessageBatch<unknown>, env: Env): Promise<BatchReport> {
  const started = Date.now();
  const report: BatchReport = { written: 0, duplicates: 0, retried: 0, deadLettered: 0 };
  let db: RawSql;
  try {
    db = consumerClient(dbConfig(env).databaseUrl);
  } catch (err) {
    // Misconfiguration says nothing about the messages: keep them.
    log("error", "consumer.config_invalid", errorFields(err));
    report.retried += retryWithBackoff(batch.messages);
    return report;
  }

  const valid: Valid[] = [];
  const malformed: FailedMessage[] = [];
  const malformedMsgs: Msg[] = [];
  for (const msg of batch.messages) {
    const parsed = eventMessageSchema.safeParse(msg.body);
    if (parsed.success) valid.push({ msg, event: parsed.data });
    else {
      const issue = parsed.error.issues[0]!;
      malformed.push({
        messageId: msg.id,
        body: msg.body,
        attempts: msg.attempts,
        errorCode: "invalid_message",
        errorMessage: `${issue.path.join(".")}: ${issue.message}`,
      });
      malformedMsgs.push(msg);
    }
  }

  const write = (items: Valid[]) => {
    const redeliveries = items.filter((v) => v.msg.attempts > 1).length;
    return writeWithRetry(() =>
      insertEvents(
        db,
        items.map((v) => v.event),
        { firstDeliveries: items.length - redeliveries, redeliveries },
      ),
    );
  };
  const outcomes = await bisectWrite(valid, write, classifyDbError);
  const poison: FailedMessage[] = [...malformed];
  const poisonMsgs: Msg[] = [...malformedMsgs];
  for (const o of outcomes) {
    if (o.kind === "written") {
      const inserted = new Set(o.result.map((k) => `${k.source}/${k.id}`));
      for (const v of o.items) {
        if (inserted.has(`${v.event.source}/${v.event.id}`)) report.written++;
        else report.duplicates++;
        v.msg.ack();
      }
    } else if (o.kind === "poison") {
      poison.push({
        messageId: o.item.msg.id,
        body: o.item.msg.body,
        attempts: o.item.msg.attempts,
        errorCode: o.error.code,
        errorMessage: o.error.message,
      });
      poisonMsgs.push(o.item.msg);
    } else {
      log("warn", "consumer.write_failed", { count: o.items.length, code: o.error.code, error: o.error.message });
      report.retried += retryWithBackoff(o.items.map((v) => v.msg));
    }
  }

  if (poison.length > 0) {
    try {
      await writeWithRetry(() => upsertDeadLetters(db, dedupeByKey(poison.map(toDeadLetter))));
      for (const m of poisonMsgs) m.ack();
      report.deadLettered += poison.length;
      log("warn", "consumer.dead_lettered", { count: poison.length, codes: [...new Set(poison.map((p) => p.errorCode))] });
    } catch (err) {
      log("error", "consumer.dead_letter_write_failed", { count: poison.length, ...errorFields(err) });
      report.retried += retryWithBackoff(poisonMsgs);
    }
  }

  log("info", "consumer.batch", { queue: batch.queue, messages: batch.messages.length, ...report, ms: Date.now() - started });
  return report;
}
