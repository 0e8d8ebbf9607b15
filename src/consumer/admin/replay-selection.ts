/**
 * Which dead letters can go back on the queue: only bodies that are valid
 * event messages (a body that never parsed would only dead-letter again),
 * received on a day retention keeps (a copy for a day already taken out
 * would be set aside: its original's partition is gone, so it could not be
 * told from a first delivery, insert-events.ts). Pure.
 */

import { utf8Length } from "@eventline/protocol";
import { type EventMessage, eventMessageSchema, packedFields } from "../../shared/events/event-message.ts";

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

/** Why a letter is not replayed: its body is no event, or its receipt day is past retention. */
export type SkipCode = "invalid_event" | "receipt_day_expired";

export interface SkippedLetter {
  letterId: string;
  code: SkipCode;
  reason: string;
}

/** `expiredBefore`: retention's horizon (event_lifecycle.expired_before), null when nothing expired. */
export function toReplayMessages(
  letters: readonly LetterForReplay[],
  expiredBefore: Date | null = null,
): { replayable: ReplayMessage[]; skipped: SkippedLetter[] } {
  const replayable: ReplayMessage[] = [];
  const skipped: SkippedLetter[] = [];
  for (const l of letters) {
    const parsed = eventMessageSchema.safeParse(l.body);
    if (parsed.success && expiredBefore !== null && Date.parse(parsed.data.receivedAt) < expiredBefore.getTime())
      skipped.push({
        letterId: l.id,
        code: "receipt_day_expired",
        reason: `received before ${expiredBefore.toISOString()}: retention took that day out, and a copy of it could be counted twice`,
      });
    else if (parsed.success) {
      const text = JSON.stringify(packedFields(parsed.data, { keepReceivedAt: true }));
      replayable.push({ letterId: l.id, message: parsed.data, text, bytes: utf8Length(text) });
    } else
      skipped.push({
        letterId: l.id,
        code: "invalid_event",
        reason: `body is not a valid event message (${parsed.error.issues[0]!.path.join(".") || "body"}: ${parsed.error.issues[0]!.message})`,
      });
  }
  return { replayable, skipped };
}
