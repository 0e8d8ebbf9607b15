/**
 * The event contract, shared by the producer (validating what upstream sends)
 * and the consumer (validating what the queue delivers). Pure: no Worker or
 * Prisma imports.
 */
import * as z from "zod";
import { eventId, eventType, isoInstant, jsonObject, sourceName } from "./fields.ts";

/** What upstream services send (the native format). */
export const nativeEventSchema = z.strictObject({
  id: eventId.optional(),
  source: sourceName.optional(),
  type: eventType,
  occurredAt: isoInstant.optional(),
  payload: jsonObject(),
});
export type NativeEvent = z.infer<typeof nativeEventSchema>;

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
  attributes: jsonObject(1).optional(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;
