/**
 * Queue consumer for the main events queue: the events of a whole batch
 * (up to 100 packets) written in as few statements as the limits allow, a
 * verdict per event, one per message, nothing lost, and no content able to
 * fail, delay or retry anything but its own message.
 *
 * - each message is read on its own; one that cannot be read, or an event of
 *   a packet that is not valid, becomes its own dead letter at once
 * - a poison event (its data refused by the database) is bisected out and
 *   dead-lettered alone; the rest of its packet is written and the message acked
 * - a retryable failure (or a database call past its deadline) sends the
 *   affected messages back with an exponential, jittered delay; the events of
 *   theirs already written are duplicates on redelivery, which are harmless.
 *   After max_retries the queue moves them to the dead-letter queue
 * - a copy whose receipt day is past retention is set aside by the database,
 *   never stored nor counted: a queue copy is dropped (logged, and counted as
 *   `expired`), a replayed letter's event becomes its letter again, with the
 *   reason receipt_day_expired, for an operator to see
 * - messages are acked one by one (never ackAll/retryAll for one bad message)
 */

import { ConfigError } from "../../shared/errors/config-error.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
import type { ConsumerEnv } from "../consumer-env.ts";
import { type Database, withDatabase } from "../db/client.ts";
import { persistDeadLetters } from "./persist-dead-letters.ts";
import { type BatchLetter, eventLetter, readBatch } from "./read-batch.ts";
import { RETRY_POLICY, type RetryPolicy, redeliveryPolicy, retryWithBackoff } from "./retry-policy.ts";
import { writeEvents } from "./write-events.ts";

type Msg = Message<unknown>;

/** Why a replayed event went back to its letter: its receipt day was taken out while it travelled. */
const RECEIPT_DAY_EXPIRED = {
  code: "receipt_day_expired",
  message: "the event's receipt day is past EVENT_RETENTION_DAYS: it cannot be stored again without being counted twice",
};

export interface BatchReport {
  messages: number;
  events: number;
  written: number;
  duplicates: number;
  /** Copies set aside: their receipt day is past retention. */
  expired: number;
  deadLettered: number;
  /** Messages handed back to the queue. */
  retried: number;
  statements: number;
}

export async function handleEventBatch(batch: MessageBatch<unknown>, env: ConsumerEnv, ctx: ExecutionContext): Promise<BatchReport> {
  const started = Date.now();
  const report: BatchReport = {
    messages: batch.messages.length,
    events: 0,
    written: 0,
    duplicates: 0,
    expired: 0,
    deadLettered: 0,
    retried: 0,
    statements: 0,
  };
  let redelivery: RetryPolicy["redelivery"] = RETRY_POLICY.redelivery;
  try {
    redelivery = redeliveryPolicy(env);
    await withDatabase(env, ctx, (database) => writeBatch(batch, database, report, redelivery));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Misconfiguration says nothing about the messages: keep them.
    log("error", "consumer.config_invalid", errorFields(err));
    report.retried += retryWithBackoff(batch.messages, redelivery);
    return report;
  }
  log("info", "consumer.batch", { queue: batch.queue, ...report, ms: Date.now() - started });
  return report;
}

async function writeBatch(
  batch: MessageBatch<unknown>,
  database: Database,
  report: BatchReport,
  redelivery: RetryPolicy["redelivery"],
): Promise<void> {
  const { pg: db, timeoutMs } = database;

  const { events, letters } = readBatch(batch.messages);
  report.events = events.length + letters.length;
  const verdicts = await writeEvents(
    db,
    events.map((e) => ({ ...e, redelivery: e.msg.attempts > 1 })),
    { timeoutMs },
  );
  report.written = verdicts.written;
  report.duplicates = verdicts.stored.length - verdicts.written;
  report.expired = verdicts.expired.length;
  const expiredCopies = verdicts.expired.filter((x) => !x.replayed);
  if (expiredCopies.length > 0)
    log("warn", "consumer.expired_copies_dropped", {
      events: expiredCopies.length,
      sample: expiredCopies.slice(0, 10).map((x) => ({ source: x.event.source, id: x.event.id, receivedAt: x.event.receivedAt })),
    });
  report.statements = verdicts.statements;

  const retry = new Set<Msg>();
  for (const f of verdicts.failed) {
    log("warn", "consumer.write_failed", { events: f.items.length, code: f.error.code, error: f.error.message });
    for (const x of f.items) retry.add(x.msg);
  }
  // A message going back to the queue will meet its poison events again on redelivery: their letters wait until then.
  const toLetter: BatchLetter<Msg>[] = [
    ...letters,
    ...verdicts.poison.map((p) => eventLetter(p.item.msg, p.item.event, p.error)),
    ...verdicts.expired.filter((x) => x.replayed).map((x) => eventLetter(x.msg, x.event, RECEIPT_DAY_EXPIRED)),
  ].filter((l) => !retry.has(l.msg));
  if (toLetter.length > 0) {
    const { stored, unstored } = await persistDeadLetters(db, toLetter, { timeoutMs });
    report.deadLettered = stored.length;
    for (const m of unstored) retry.add(m);
    if (stored.length > 0)
      log("warn", "consumer.dead_lettered", { events: stored.length, codes: [...new Set(toLetter.map((l) => l.failure.errorCode))] });
  }

  for (const m of batch.messages) if (!retry.has(m)) m.ack();
  report.retried = retryWithBackoff([...retry], redelivery);
}
