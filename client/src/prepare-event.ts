/**
 * Turns what the caller passed into the JSON the client will send, once: the
 * id and occurredAt are fixed here, before the first attempt, so that every
 * retry carries the same event and the server deduplicates it by id. Pure.
 */

import { utf8Length, uuidv7, WIRE_LIMITS } from "@eventline/protocol";
import { FAILURE_CODES, type Outcome } from "./outcome.ts";

/** An event in Eventline's native format. */
export interface EventInput {
  /** Unique per source; the client generates a UUIDv7 when absent. */
  id?: string;
  /** Must be the API key's own source when given. */
  source?: string;
  type: string;
  /** When it happened; the client stamps the time of send() when absent. */
  occurredAt?: string | Date;
  payload: Record<string, unknown>;
}

export interface PreparedEvent {
  id: string;
  /** The event as sent, one element of `{"events": [...]}`. */
  json: string;
  /** UTF-8 bytes of `json`. */
  bytes: number;
  /** The size the server checks against maxEventBytes (without `source`, occurredAt in UTC). */
  storedBytes: number;
}

/** Bytes of an ISO instant as the server stores it ("2026-01-01T00:00:00.000Z"), quoted. */
const STORED_INSTANT_BYTES = 26;

export function prepareEvent(input: EventInput, now: number): { ok: true; event: PreparedEvent } | { ok: false; outcome: Outcome } {
  const given = (typeof input === "object" && input !== null ? input : {}) as Partial<EventInput>;
  const id = typeof given.id === "string" ? given.id : uuidv7(now);
  const occurredAt = given.occurredAt instanceof Date ? given.occurredAt.toISOString() : (given.occurredAt ?? new Date(now).toISOString());
  let json: string;
  let bytes: number;
  let measured: number;
  try {
    // Key order and the fields measured are the server's own (src/producer/ingest/validate-events.ts): id, type, occurredAt, payload.
    // A field that JSON cannot hold is left out, so the server rejects this event alone rather than the whole batch.
    json = JSON.stringify({ id, type: given.type, occurredAt, payload: given.payload, source: given.source });
    bytes = utf8Length(json);
    const source = given.source === undefined ? undefined : JSON.stringify(given.source);
    // What the server measures: without `source`, with occurredAt normalized to UTC.
    measured =
      bytes -
      (source === undefined ? 0 : utf8Length(`,"source":${source}`)) -
      (typeof occurredAt === "string" ? utf8Length(occurredAt) + 2 : utf8Length(JSON.stringify(occurredAt) ?? "")) +
      STORED_INSTANT_BYTES;
  } catch (err) {
    return {
      ok: false,
      outcome: {
        status: "failed",
        id,
        code: FAILURE_CODES.unserializable,
        message: `the event is not serializable as JSON: ${String(err)}`,
      },
    };
  }
  if (measured > WIRE_LIMITS.maxEventBytes) {
    return {
      ok: false,
      outcome: {
        status: "rejected",
        id,
        code: "event_too_large",
        path: "",
        message: `serializes to ${measured} bytes; the limit is ${WIRE_LIMITS.maxEventBytes}`,
      },
    };
  }
  return { ok: true, event: { id, json, bytes, storedBytes: measured } };
}
