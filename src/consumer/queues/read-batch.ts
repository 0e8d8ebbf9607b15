/**
 * Turns a queue batch into the events to write and the dead letters to keep,
 * each message read on its own: a message that cannot be read, or an event of
 * a packet that is not valid, fails alone. Pure: messages are plain data here.
 */
import { PermanentError } from "../../shared/errors/permanent-error.ts";
import { decodeMessage } from "../../shared/events/decode-message.ts";
import type { EventMessage } from "../../shared/events/event-message.ts";
import type { FailedMessage } from "./dead-letter-record.ts";

export interface QueueMessage {
  id: string;
  attempts: number;
  readonly body: unknown;
}

export interface BatchEvent<M> {
  msg: M;
  event: EventMessage;
  /** About the event's share of its message's size, for the statement bound. */
  bytes: number;
  /** A replay of a dead letter: not a first delivery. */
  replayed: boolean;
}

export interface BatchLetter<M> {
  msg: M;
  failure: FailedMessage;
}

export function readBatch<M extends QueueMessage>(
  messages: readonly M[],
  errorCode?: string,
): { events: BatchEvent<M>[]; letters: BatchLetter<M>[] } {
  const events: BatchEvent<M>[] = [];
  const letters: BatchLetter<M>[] = [];
  for (const msg of messages) {
    const body = readBody(msg);
    if (body instanceof PermanentError) {
      letters.push({ msg, failure: failed(msg, msg.id, null, body) });
      continue;
    }
    try {
      const decoded = decodeMessage(body);
      const size = typeof body === "string" ? body.length : JSON.stringify(body).length;
      const bytes = Math.ceil(size / (decoded.events.length + decoded.invalid.length));
      for (const [i, event] of decoded.events.entries()) events.push({ msg, event, bytes, replayed: decoded.replayed[i]! });
      for (const bad of decoded.invalid) letters.push({ msg, failure: failed(msg, `${msg.id}#${bad.index}`, bad.body, bad.error) });
    } catch (err) {
      letters.push({ msg, failure: failed(msg, msg.id, body, err as PermanentError) });
    }
  }
  // The dead-letter consumer overrides the reason: these messages exhausted their retries.
  if (errorCode) for (const l of letters) l.failure.errorCode = errorCode;
  return { events, letters };
}

/** A letter for one event of a message (the event is the body, not its packet). */
export function eventLetter<M extends QueueMessage>(msg: M, event: EventMessage, error: { code: string; message: string }): BatchLetter<M> {
  return { msg, failure: { messageId: msg.id, body: event, attempts: msg.attempts, errorCode: error.code, errorMessage: error.message } };
}

function failed(msg: QueueMessage, messageId: string, body: unknown, error: PermanentError): FailedMessage {
  return { messageId, body, attempts: msg.attempts, errorCode: error.code ?? "invalid_message", errorMessage: error.message };
}

/** Even reading a body can throw (the runtime deserializes it lazily): that too is this message's failure alone, under its own message. */
function readBody(msg: QueueMessage): unknown {
  try {
    return msg.body;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return new PermanentError(`the runtime could not deserialize the message body: ${reason}`, { code: "invalid_message", cause: err });
  }
}
