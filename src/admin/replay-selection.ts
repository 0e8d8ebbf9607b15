/**
 * Which dead letters can go back on the queue: only bodies that are valid
 * event messages (a body that never parsed would only dead-letter again).
 * Pure.
 */

import { utf8Length } from "@eventline/protocol";
import { type EventMessage, eventMessageSchema, packedFields } from "../events/event-message.ts";

export interface ReplayMessage {
  letterId: string;
  message: EventMessage;
  /** The event's fields as packed for the queue (keeping its first receipt time), and their UTF-8 size. */
  text: string;
  bytes: number;
}

export interface LetterForReplay {
  id: string;
  body: unknown;
}

export function toReplayMessages(letters: readonly LetterForReplay[]): {
  replayable: ReplayMessage[];
  skipped: { letterId: string; reason: string }[];
} {
  const replayable: ReplayMessage[] = [];
  const skipped: { letterId: string; reason: string }[] = [];
  for (const l of letters) {
    const parsed = eventMessageSchema.safeParse(l.body);
    if (parsed.success) {
      const text = JSON.stringify(packedFields(parsed.data, { keepReceivedAt: true }));
      replayable.push({ letterId: l.id, message: parsed.data, text, bytes: utf8Length(text) });
    } else
      skipped.push({
        letterId: l.id,
        reason: `body is not a valid event message (${parsed.error.issues[0]!.path.join(".") || "body"}: ${parsed.error.issues[0]!.message})`,
      });
  }
  return { replayable, skipped };
}
