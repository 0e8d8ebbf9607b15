/**
 * Builds dead-letter rows from queue messages: whatever a body holds, the row
 * can be written. Pure.
 *
 * - a body that is a valid event message is kept as jsonb, keyed "<source>/<id>";
 * - anything else is keyed "msg:<queue message id>"; it is kept as jsonb when
 *   jsonb can hold it, else as text in `bodyText`: the message text as
 *   delivered (JSON text from our producer already writes NUL and unpaired
 *   surrogates as \u escapes), any raw character Postgres refuses written as a
 *   \uXXXX escape. Nothing of a body is dropped.
 */

import { LIMITS } from "../../shared/config/limits.ts";
import { decodeEventMessage } from "../../shared/events/decode-message.ts";
import type { EventMessage } from "../../shared/events/event-message.ts";
import { isJsonObject } from "../../shared/events/fields.ts";
import { findUnstorable, isStorableText, sliceText, toStorableText } from "../../shared/events/storable.ts";
import { stringifyJson } from "../../shared/json/stringify-json.ts";
import type { DeadLetterInput } from "../db/upsert-dead-letters.ts";

export interface FailedMessage {
  messageId: string;
  body: unknown;
  attempts: number;
  errorCode: string;
  errorMessage: string;
}

/** Levels a message body may add above a payload's own, with room to spare. */
const BODY_DEPTH = LIMITS.maxJsonDepth + 3;

export function toDeadLetter(m: FailedMessage): DeadLetterInput {
  const event = tryDecode(m.body);
  const failure = {
    errorCode: sliceText(toStorableText(m.errorCode), 200),
    errorMessage: sliceText(toStorableText(m.errorMessage), 2000),
    attempts: m.attempts,
  };
  if (event) {
    return {
      key: `${event.source}/${event.id}`,
      source: event.source,
      eventType: event.type,
      eventId: event.id,
      body: event,
      bodyText: null,
      ...failure,
    };
  }
  const value = typeof m.body === "string" ? tryParse(m.body) : m.body;
  const loose = isJsonObject(value) ? value : {};
  // JSON null would read back as "no body": it is kept as text too.
  const asJsonb = value !== undefined && value !== null && findUnstorable(value, BODY_DEPTH) === undefined;
  return {
    key: `msg:${m.messageId}`,
    source: looseText(loose.source),
    eventType: looseText(loose.type),
    eventId: looseText(loose.id),
    body: asJsonb ? value : null,
    bodyText: asJsonb ? null : toStorableText(typeof m.body === "string" ? m.body : stringifyJson(m.body ?? null)),
    ...failure,
  };
}

function tryDecode(body: unknown): EventMessage | undefined {
  try {
    return decodeEventMessage(body);
  } catch {
    return undefined;
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function looseText(v: unknown): string | null {
  return typeof v === "string" && isStorableText(v) ? sliceText(v, 256) : null;
}
