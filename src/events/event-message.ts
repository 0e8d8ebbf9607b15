/**
 * The queue message format: what the producer sends and the consumer reads
 * (and what a dead letter keeps), with the tenant fixed. Pure.
 */
import * as z from "zod/mini";
import { eventId, eventType, isoInstant, jsonObject, sourceName } from "./fields.ts";

/** Version 1 of the queue message body: an event as accepted, with its tenant fixed. */
export const eventMessageSchema = z.strictObject({
  v: z.literal(1),
  source: sourceName,
  id: eventId,
  type: eventType,
  occurredAt: isoInstant,
  receivedAt: isoInstant,
  payload: jsonObject(),
  /** Extra attributes, e.g. CloudEvents extensions and the CloudEvents `source` URI. */
  attributes: z.optional(jsonObject(1)),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;
