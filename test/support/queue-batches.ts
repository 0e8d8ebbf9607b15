// Queue handler tests, unit style: createMessageBatch + getQueueResult show
// exactly which messages were acked and retried. The handler is called as the
// runtime calls it: (batch, env, ctx).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import type { ConsumerEnv } from "../../src/consumer/consumer-env.ts";
import entry from "../../src/consumer/index.ts";
import { type EventMessage, packedFields } from "../../src/shared/events/event-message.ts";
import { eventPacketText } from "./packets.ts";
import { testEnv, uniq } from "./worker-db.ts";

const worker = entry as Required<Pick<ExportedHandler<ConsumerEnv>, "queue">>;

export const EVENTS_QUEUE = "eventline-events";
export const DEAD_LETTER_QUEUE = "eventline-events-dlq";

export const event = (source: string, over: Partial<EventMessage> = {}): EventMessage => ({
  v: 1,
  source,
  id: uniq("e"),
  type: "consumer.test",
  occurredAt: "2026-11-20T12:00:00.000Z",
  receivedAt: "2026-11-20T12:00:01.000Z",
  payload: { n: 1 },
  ...over,
});

/** A single event as JSON text (a v1 message, as producers sent before packets and dead letters keep). */
export const text = (e: EventMessage) => JSON.stringify(e);

/** Events of one source packed in one v2 message, as the producer sends them. */
export const packet = (events: EventMessage[]) =>
  eventPacketText(
    events[0]!.source,
    events[0]!.receivedAt,
    events.map((e) => JSON.stringify(packedFields(e))),
  );

export const batchOf = (bodies: unknown[], attempts = 1, queue = EVENTS_QUEUE) =>
  createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${crypto.randomUUID()}-${i}`, timestamp: new Date(), attempts, body })),
  );

export async function deliver(batch: MessageBatch<unknown>, env: ConsumerEnv = testEnv) {
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}
