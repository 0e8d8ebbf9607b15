/**
 * Reads one queue message body into its events, or says why it cannot.
 * Never throws anything but PermanentError (code invalid_message), and only
 * when the message as a whole is unreadable; an event of a packet that is not
 * valid is returned in `invalid`, so that it fails alone.
 *
 * Bodies are JSON text (contentType "text"), v2 packets or v1 single events.
 * Objects are still accepted: messages sent with contentType "json" before
 * that change. JSON.parse is iterative, and the schemas check nesting
 * iteratively before any recursive code sees a value. Pure.
 */
import type * as z from "zod/mini";
import { PermanentError } from "../errors/permanent-error.ts";
import { type EventMessage, eventMessageSchema, packedEventSchema, packetEnvelopeSchema, withTenant } from "./event-message.ts";
import { isJsonObject } from "./fields.ts";

export interface DecodedMessage {
  events: EventMessage[];
  /** Per event: whether it is a replay of a dead letter (a replay keeps the event's first receipt time beside the packet's). */
  replayed: boolean[];
  /** Events of a packet that are not valid: the raw event (with the packet's source), and why. */
  invalid: { index: number; body: unknown; error: PermanentError }[];
}

export function decodeMessage(body: unknown): DecodedMessage {
  const value = typeof body === "string" ? parseText(body) : body;
  if (isJsonObject(value) && value.v === 2) {
    const envelope = check(packetEnvelopeSchema, value);
    const decoded: DecodedMessage = { events: [], replayed: [], invalid: [] };
    for (const [index, raw] of envelope.events.entries()) {
      const parsed = packedEventSchema.safeParse(raw);
      if (parsed.success) {
        decoded.events.push(withTenant(parsed.data, envelope.source, envelope.receivedAt));
        decoded.replayed.push(parsed.data.receivedAt !== undefined);
      } else
        decoded.invalid.push({
          index,
          body: isJsonObject(raw) ? { source: envelope.source, ...raw } : raw,
          error: failure(`events.${index}.`, parsed.error),
        });
    }
    return decoded;
  }
  return { events: [check(eventMessageSchema, value)], replayed: [false], invalid: [] };
}

/** One event message (v1): what a dead letter keeps and a replay re-sends. */
export function decodeEventMessage(body: unknown): EventMessage {
  return check(eventMessageSchema, typeof body === "string" ? parseText(body) : body);
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PermanentError(`body is not JSON: ${err instanceof Error ? err.message : String(err)}`, {
      code: "invalid_message",
      cause: err,
    });
  }
}

function check<T extends z.ZodMiniType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw failure("", parsed.error);
  return parsed.data;
}

function failure(prefix: string, error: z.core.$ZodError): PermanentError {
  const issue = error.issues[0]!;
  return new PermanentError(`${prefix}${issue.path.map(String).join(".") || "body"}: ${issue.message}`, {
    code: "invalid_message",
    cause: error,
  });
}
