/**
 * Validates candidate events against the shared schema and turns the valid
 * ones into queue messages with the tenant fixed by the API key. Pure.
 *
 * Rules beyond the schema:
 * - `source`, when given, must equal the key's source, else the whole request
 *   is refused (403): a key never writes into another tenant.
 * - `occurredAt` defaults to receipt time; more than `maxFutureSkewSeconds`
 *   ahead of it is rejected.
 * - an event without an id gets `newId(index)`.
 * - a repeated `id` within one request is rejected (the first one is kept).
 * - the serialized message must fit LIMITS.maxEventBytes.
 */

import { utf8Length } from "@eventline/protocol";
import type * as z from "zod/mini";
import { LIMITS } from "../../shared/config/limits.ts";
import { ApiError } from "../../shared/errors/api-error.ts";
import { type EventMessage, packedFields } from "../../shared/events/event-message.ts";
import { nativeEventSchema } from "../../shared/events/event-schema.ts";
import { formatPath, type JsonPath } from "../../shared/json/json-path.ts";
import type { Candidate } from "./parse-body.ts";
import type { Rejection } from "./rejection.ts";

export interface ValidationContext {
  /** The tenant, from the API key. */
  source: string;
  now: Date;
  maxFutureSkewSeconds: number;
  /** The id of an event sent without one (index = its position in the request). */
  newId: (index: number) => string;
}

export interface AcceptedEvent {
  index: number;
  message: EventMessage;
  /** The event's fields as they travel in a packet (JSON text): what the size limit applies to. */
  text: string;
  /** UTF-8 size of `text`. */
  bytes: number;
}

export interface ValidationResult {
  accepted: AcceptedEvent[];
  rejected: Rejection[];
}

export function validateEvents(candidates: readonly Candidate[], ctx: ValidationContext): ValidationResult {
  const accepted: AcceptedEvent[] = [];
  const rejected: Rejection[] = [];
  const seenIds = new Set<string>();
  const receivedAt = ctx.now.toISOString();
  const latest = ctx.now.getTime() + ctx.maxFutureSkewSeconds * 1000;

  for (const c of candidates) {
    if (!c.ok) {
      rejected.push(c.rejection);
      continue;
    }
    const parsed = nativeEventSchema.safeParse(c.event);
    if (!parsed.success) {
      rejected.push(firstIssue(c.index, parsed.error, c.senderPath));
      continue;
    }
    const e = parsed.data;
    if (e.source !== undefined && e.source !== ctx.source) {
      throw new ApiError(403, "source_forbidden", `this API key writes source "${ctx.source}", not "${e.source}"`, {
        details: { index: c.index, path: "source" },
      });
    }
    if (e.occurredAt !== undefined && Date.parse(e.occurredAt) > latest) {
      rejected.push({
        index: c.index,
        code: "occurred_at_in_future",
        path: formatPath(c.senderPath?.(["occurredAt"]) ?? ["occurredAt"]),
        message: `is more than ${ctx.maxFutureSkewSeconds}s ahead of the server clock (${receivedAt})`,
      });
      continue;
    }
    const id = e.id ?? ctx.newId(c.index);
    if (seenIds.has(id)) {
      rejected.push({ index: c.index, code: "duplicate_id", path: "id", message: "repeats the id of an earlier event in this request" });
      continue;
    }
    const message: EventMessage = {
      v: 1,
      source: ctx.source,
      id,
      type: e.type,
      // Normalized to UTC so that equal instants compare and sort equal everywhere.
      occurredAt: e.occurredAt !== undefined ? new Date(e.occurredAt).toISOString() : receivedAt,
      receivedAt,
      payload: e.payload,
      ...(c.attributes ? { attributes: c.attributes } : {}),
    };
    const text = JSON.stringify(packedFields(message));
    const bytes = utf8Length(text);
    if (bytes > LIMITS.maxEventBytes) {
      rejected.push({
        index: c.index,
        code: "event_too_large",
        path: "",
        message: `serializes to ${bytes} bytes; the limit is ${LIMITS.maxEventBytes}`,
      });
      continue;
    }
    seenIds.add(id);
    accepted.push({ index: c.index, message, text, bytes });
  }
  return { accepted, rejected };
}

function firstIssue(index: number, error: z.core.$ZodError, senderPath: ((p: JsonPath) => JsonPath) | undefined): Rejection {
  const issue = error.issues[0]!;
  const path = issue.code === "unrecognized_keys" ? [issue.keys[0]!] : issue.path.map((k) => (typeof k === "number" ? k : String(k)));
  const message = issue.code === "unrecognized_keys" ? `unknown field(s): ${issue.keys.join(", ")}` : issue.message;
  return { index, code: "invalid_field", path: formatPath(senderPath ? senderPath(path) : path), message };
}
