/**
 * What upstream services send: the native event format. Pure.
 */
import * as z from "zod/mini";
import { eventId, eventType, isoInstant, jsonObject, sourceName } from "./fields.ts";

/** What upstream services send (the native format). */
export const nativeEventSchema = z.strictObject({
  id: z.optional(eventId),
  source: z.optional(sourceName),
  type: eventType,
  occurredAt: z.optional(isoInstant),
  payload: jsonObject(),
});
export type NativeEvent = z.infer<typeof nativeEventSchema>;
