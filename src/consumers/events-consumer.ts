/**
 * Queue consumer for the main events queue: one database round trip per
 * batch, a per-message verdict, nothing lost, and no message's content able
 * to fail, delay or retry another.
 *
 * - each body is decoded on its own; one that cannot be becomes its own dead
 *   letter at once (invalid_message)
 * - valid messages are written in one statement; written and duplicate
 *   messages are acked one by one (never ackAll/retryAll for one bad message)
 * - a retryable failure (or a database call past its deadline) sends the
 *   affected messages back with an exponential, jittered delay; after
 *   max_retries the queue moves them to the dead-letter queue
 * - a permanent failure is bisected to the offending messages, which go
 *   straight to the dead-letter table; the rest are written
 */

import { type ConsumerEnv, dbConfig } from "../config/consumer-env.ts";
import { consumerClient, type RawSql } from "../db/client.ts";
import { insertEvents } from "../db/insert-events.ts";
import { classifyDbError } from "../errors/classify-db-error.ts";
import { PermanentError } from "../errors/permanent-error.ts";
import { decodeEventMessage } from "../events/decode-message.ts";
import type { EventMessage } from "../events/event-message.ts";
import { errorFields, log } from "../lib/log.ts";
import { bisectWrite } from "./bisect-write.ts";
import { type LetterToWrite, persistDeadLetters } from "./persist-dead-letters.ts";
import { retryWithBackoff } from "./retry-policy.ts";
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

export async function handleEventBatch(batch: MessageBatch<unknown>, env: ConsumerEnv): Promise<BatchReport> {
  const started = Date.now();
  const report: BatchReport = { written: 0, duplicates: 0, retried: 0, deadLettered: 0 };
  let db: RawSql;
  let timeoutMs: number;
  try {
    const cfg = dbConfig(env);
    db = consumerClient(cfg.databaseUrl);
    timeoutMs = cfg.timeoutMs;
  } catch (err) {
    // Misconfiguration says nothing about the messages: keep them.
    log("error", "consumer.config_invalid", errorFields(err));
    report.retried += retryWithBackoff(batch.messages);
    return report;
  }

  const valid: Valid[] = [];
  const letters: LetterToWrite[] = [];
  for (const msg of batch.messages) {
    const decoded = decode(msg);
    if ("event" in decoded) valid.push({ msg, event: decoded.event });
    else letters.push({ msg, failure: failureOf(msg, decoded.error) });
  }

  const write = (items: Valid[]) => {
    const redeliveries = items.filter((v) => v.msg.attempts > 1).length;
    return writeWithRetry(
      () =>
        insertEvents(
          db,
          items.map((v) => v.event),
          { firstDeliveries: items.length - redeliveries, redeliveries },
        ),
      { timeoutMs },
    );
  };
  for (const o of await bisectWrite(valid, write, classifyDbError)) {
    if (o.kind === "written") {
      const inserted = new Set(o.result.map((k) => `${k.source}/${k.id}`));
      for (const v of o.items) {
        if (inserted.has(`${v.event.source}/${v.event.id}`)) report.written++;
        else report.duplicates++;
        v.msg.ack();
      }
    } else if (o.kind === "poison") {
      letters.push({ msg: o.item.msg, failure: failureOf(o.item.msg, o.error) });
    } else {
      log("warn", "consumer.write_failed", { count: o.items.length, code: o.error.code, error: o.error.message });
      report.retried += retryWithBackoff(o.items.map((v) => v.msg));
    }
  }

  if (letters.length > 0) {
    const { stored, unstored } = await persistDeadLetters(db, letters, { timeoutMs });
    for (const m of stored) m.ack();
    report.deadLettered += stored.length;
    report.retried += retryWithBackoff(unstored);
    if (stored.length > 0)
      log("warn", "consumer.dead_lettered", { count: stored.length, codes: [...new Set(letters.map((l) => l.failure.errorCode))] });
  }

  log("info", "consumer.batch", { queue: batch.queue, messages: batch.messages.length, ...report, ms: Date.now() - started });
  return report;
}

/** Even reading a body can throw (the runtime deserializes it): that too is this message's failure alone. */
function decode(msg: Msg): { event: EventMessage } | { error: PermanentError } {
  try {
    return { event: decodeEventMessage(msg.body) };
  } catch (err) {
    return {
      error:
        err instanceof PermanentError
          ? err
          : new PermanentError(`body could not be read: ${String(err)}`, { code: "invalid_message", cause: err }),
    };
  }
}

function failureOf(msg: Msg, error: PermanentError) {
  let body: unknown;
  try {
    body = msg.body;
  } catch {
    body = undefined;
  }
  return { messageId: msg.id, body, attempts: msg.attempts, errorCode: error.code, errorMessage: error.message };
}
