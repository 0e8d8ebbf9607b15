/**
 * The queue message formats. Pure.
 *
 * - v2, what the producer sends: a packet of the events one request accepted,
 *   in order, for one source: {"v":2,"source","receivedAt","events":[{id,type,occurredAt,payload,attributes?}]}.
 *   Queues limits and bills per message, so events travel packed (pack-events.ts).
 * - v1: one event with its tenant. Still read (messages sent before v2, dead
 *   letters written before it), and the shape of one event everywhere inside:
 *   what the consumer writes, what a dead letter keeps, what a replay re-packs.
 */
import * as z from "zod/mini";
import { eventId, eventType, isoInstant, jsonObject, sourceName } from "./fields.ts";

/** One event as it travels inside a packet (its source and receipt time are the packet's). */
export const packedEventSchema = z.strictObject({
  id: eventId,
  type: eventType,
  occurredAt: isoInstant,
  payload: jsonObject(),
  /** Extra attributes, e.g. CloudEvents extensions and the CloudEvents `source` URI. */
  attributes: z.optional(jsonObject(1)),
  /** When it differs from the packet's: a replayed event keeps the time it was first received. */
  receivedAt: z.optional(isoInstant),
});
export type PackedEvent = z.infer<typeof packedEventSchema>;

/** Version 1, and one event with its tenant wherever a single event is handled. */
export const eventMessageSchema = z.strictObject({
  ...packedEventSchema.def.shape,
  v: z.literal(1),
  source: sourceName,
  receivedAt: isoInstant,
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

/**
 * A packet's envelope. Its events are checked one by one (packedEventSchema),
 * so that an event that is not valid fails alone, not its whole packet.
 */
export const packetEnvelopeSchema = z.strictObject({
  v: z.literal(2),
  source: sourceName,
  receivedAt: isoInstant,
  events: z.array(z.unknown()).check(z.minLength(1)),
});

/** The v1 record of a packed event. */
export function withTenant(e: PackedEvent, source: string, receivedAt: string): EventMessage {
  return { v: 1, source, ...e, receivedAt: e.receivedAt ?? receivedAt };
}

/** A packed event's own fields, as serialized into a packet; `keepReceivedAt` when the packet's will differ (replays). */
export function packedFields(m: EventMessage, opts: { keepReceivedAt?: boolean } = {}): PackedEvent {
  const { v: _v, source: _s, receivedAt, ...event } = m;
  return opts.keepReceivedAt ? { ...event, receivedAt } : event;
}
