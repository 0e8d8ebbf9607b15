/**
 * Builds dead-letter rows from queue messages. Pure.
 */

import type { DeadLetterInput } from "../db/upsert-dead-letters.ts";
import { eventMessageSchema } from "../events/event-schema.ts";

export interface FailedMessage {
  messageId: string;
  body: unknown;
  attempts: number;
  errorCode: string;
  errorMessage: string;
}

export function toDeadLetter(m: FailedMessage): DeadLetterInput {
  const parsed = eventMessageSchema.safeParse(m.body);
  const loose = (typeof m.body === "object" && m.body !== null ? m.body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 256) : null);
  return {
    key: parsed.success ? `${parsed.data.source}/${parsed.data.id}` : `msg:${m.messageId}`,
    source: parsed.success ? parsed.data.source : str(loose.source),
    eventType: parsed.success ? parsed.data.type : str(loose.type),
    eventId: parsed.success ? parsed.data.id : str(loose.id),
    body: m.body === undefined ? null : m.body,
    errorCode: m.errorCode,
    errorMessage: m.errorMessage.slice(0, 2000),
    attempts: m.attempts,
  };
}

/** One row per key (the upsert cannot touch a row twice in one statement); the last failure wins. */
export function dedupeByKey(letters: readonly DeadLetterInput[]): DeadLetterInput[] {
  return [...new Map(letters.map((l) => [l.key, l])).values()];
}
