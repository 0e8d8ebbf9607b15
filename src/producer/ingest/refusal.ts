/**
 * When a request is refused as a whole, and with which status and code. Pure.
 *
 * - nothing valid: a single event answers for itself (413 event_too_large or
 *   400 invalid_event); a batch answers 400 no_valid_events (413 if every
 *   event was too large)
 * - ?atomic=true and anything invalid: 400 batch_rejected
 */
import type { Rejection } from "./rejection.ts";

export interface Refusal {
  status: 400 | 413;
  code: "invalid_event" | "event_too_large" | "no_valid_events" | "batch_rejected";
  message: string;
}

export function refusal(opts: {
  single: boolean;
  atomic: boolean;
  total: number;
  accepted: number;
  rejected: readonly Rejection[];
}): Refusal | undefined {
  const { single, atomic, total, accepted, rejected } = opts;
  if (accepted > 0 && !(atomic && rejected.length > 0)) return undefined;
  const tooLarge = rejected.length > 0 && rejected.every((r) => r.code === "event_too_large");
  if (single) {
    const first = rejected[0]!;
    return {
      status: tooLarge ? 413 : 400,
      code: tooLarge ? "event_too_large" : "invalid_event",
      message: `${first.path || "event"}: ${first.message}`,
    };
  }
  if (accepted > 0)
    return {
      status: 400,
      code: "batch_rejected",
      message: `${rejected.length} of ${total} events are invalid and ?atomic=true; nothing was accepted`,
    };
  return {
    status: tooLarge ? 413 : 400,
    code: "no_valid_events",
    message: `${rejected.length} of ${total} events are invalid; nothing was accepted`,
  };
}
