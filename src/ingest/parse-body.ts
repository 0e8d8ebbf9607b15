/**
 * Turns a request body into a list of candidate events, one per input event,
 * whatever the wire format: native JSON (one event or {"events":[...]}),
 * NDJSON, or CloudEvents 1.0 in structured, batch or binary mode. Whole-body
 * problems throw ApiError; per-event problems become rejections so the rest of
 * the batch can still be accepted.
 */
import { LIMITS } from "../config/limits.ts";
import { ApiError } from "../errors/api-error.ts";
import { cloudEventFromBinary, cloudEventToEvent } from "./cloudevent-to-event.ts";
import type { Rejection } from "./rejection.ts";

export type Candidate =
  | { index: number; ok: true; event: unknown; attributes?: Record<string, unknown> }
  | { index: number; ok: false; rejection: Rejection };

export interface ParsedBody {
  candidates: Candidate[];
  /** True when the request carried a single event (not a batch): errors then map to the request's status. */
  single: boolean;
}

export const SUPPORTED_CONTENT_TYPES = [
  "application/json",
  "application/x-ndjson",
  "application/cloudevents+json",
  "application/cloudevents-batch+json",
  "any content type with ce-* headers (CloudEvents binary mode)",
] as const;

export function parseBody(headers: Headers, body: string): ParsedBody {
  const mediaType = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (headers.has("ce-specversion")) return single(fromCloudEvent(0, cloudEventFromBinary(headers, body)));
  switch (mediaType) {
    case "application/json":
      return fromNativeJson(parseJson(body));
    case "application/x-ndjson":
    case "application/ndjson":
      return fromNdjson(body);
    case "application/cloudevents+json":
      return single(fromCloudEvent(0, asObject(parseJson(body))));
    case "application/cloudevents-batch+json": {
      const list = parseJson(body);
      if (!Array.isArray(list)) throw new ApiError(400, "invalid_body", "a CloudEvents batch must be a JSON array");
      checkCount(list.length);
      return { single: false, candidates: list.map((ce, i) => fromCloudEvent(i, asObjectOrRejection(ce))) };
    }
    default:
      throw new ApiError(415, "unsupported_media_type", `content-type ${mediaType || "(none)"} is not supported`, {
        details: { supported: SUPPORTED_CONTENT_TYPES },
      });
  }
}

function single(c: Candidate): ParsedBody {
  return { single: true, candidates: [c] };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `body is not valid JSON: ${(err as Error).message}`);
  }
}

function checkCount(n: number): void {
  if (n > LIMITS.maxEventsPerRequest) {
    throw new ApiError(413, "too_many_events", `a request may carry at most ${LIMITS.maxEventsPerRequest} events (got ${n})`, {
      details: { limit: LIMITS.maxEventsPerRequest },
    });
  }
  if (n === 0) throw new ApiError(400, "invalid_body", "the request carries no events");
}

function fromNativeJson(value: unknown): ParsedBody {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "invalid_body", 'body must be an event object or {"events": [...]}');
  }
  if ("events" in value) {
    const events = (value as { events: unknown }).events;
    if (!Array.isArray(events)) throw new ApiError(400, "invalid_body", '"events" must be an array');
    checkCount(events.length);
    return { single: false, candidates: events.map((event, index) => ({ index, ok: true as const, event })) };
  }
  return single({ index: 0, ok: true, event: value });
}

function fromNdjson(body: string): ParsedBody {
  const lines = body.split("\n").filter((l) => l.trim().length > 0);
  checkCount(lines.length);
  const candidates = lines.map((line, index): Candidate => {
    try {
      return { index, ok: true, event: JSON.parse(line) };
    } catch (err) {
      return {
        index,
        ok: false,
        rejection: { index, code: "invalid_json", path: "", message: `line ${index + 1}: ${(err as Error).message}` },
      };
    }
  });
  return { single: false, candidates };
}

type CeInput = Record<string, unknown> | { error: { path: string; message: string } };

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ApiError(400, "invalid_body", "a structured CloudEvent must be a JSON object");
  return v as Record<string, unknown>;
}

function asObjectOrRejection(v: unknown): CeInput {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : { error: { path: "", message: "a CloudEvent must be a JSON object" } };
}

function fromCloudEvent(index: number, input: CeInput): Candidate {
  const mapped = "error" in input && typeof input.error === "object" ? input : cloudEventToEvent(input as Record<string, unknown>);
  if ("error" in mapped) {
    const { path, message } = mapped.error as { path: string; message: string };
    return { index, ok: false, rejection: { index, code: "invalid_cloudevent", path, message } };
  }
  return { index, ok: true, event: mapped.event, attributes: mapped.attributes as Record<string, unknown> };
}
