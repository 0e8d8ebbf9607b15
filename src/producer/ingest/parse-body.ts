/**
 * Turns a request body into a list of candidate events, one per input event,
 * whatever the wire format: native JSON (one event or {"events":[...]}),
 * NDJSON, or CloudEvents 1.0 in structured, batch or binary mode. Whole-body
 * problems throw ApiError; per-event problems become rejections so the rest of
 * the batch can still be accepted. Pure.
 *
 * JSON is read by parseJson: what JSON.parse would change silently (a
 * repeated key, a number a double cannot hold) rejects the event it is in.
 */
import { LIMITS } from "../../shared/config/limits.ts";
import { ApiError } from "../../shared/errors/api-error.ts";
import { JsonSyntaxError } from "../../shared/errors/json-syntax-error.ts";
import { isJsonObject } from "../../shared/events/fields.ts";
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "../../shared/events/storable.ts";
import { formatPath, type JsonPath } from "../../shared/json/json-path.ts";
import { type JsonProblem, type ParsedJson, parseJson } from "../../shared/json/parse-json.ts";
import { cloudEventToEvent } from "./cloudevent-to-event.ts";
import type { Rejection } from "./rejection.ts";

export type Candidate =
  | {
      index: number;
      ok: true;
      event: unknown;
      attributes?: Record<string, unknown>;
      /** How a path in the native event reads in the sender's format (CloudEvents: `payload` → `data`). */
      senderPath?: (path: JsonPath) => JsonPath;
    }
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
  "any other content type with ce-* headers (CloudEvents binary mode)",
] as const;

/**
 * Parsing stops building values this deep. The deepest legal value is an event's
 * payload at LIMITS.maxJsonDepth inside a batch: body object, events array,
 * event, then the payload's own levels.
 */
const PARSE_DEPTH = LIMITS.maxJsonDepth + 3;

export function parseBody(headers: Headers, body: string): ParsedBody {
  const mediaType = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  // CloudEvents HTTP binding §1.3: an application/cloudevents* content type means structured mode; ce-* headers mean binary mode only otherwise.
  if (!mediaType.startsWith("application/cloudevents") && headers.has("ce-specversion"))
    return single(fromBinaryCloudEvent(headers, body, mediaType));
  switch (mediaType) {
    case "application/json":
      return fromNativeJson(parseWhole(body));
    case "application/x-ndjson":
    case "application/ndjson":
      return fromNdjson(body);
    case "application/cloudevents+json": {
      const doc = parseWhole(body);
      if (!isJsonObject(doc.value)) throw new ApiError(400, "invalid_body", "a structured CloudEvent must be a JSON object");
      return single(fromCloudEvent(0, doc.value, doc.problems));
    }
    case "application/cloudevents-batch+json": {
      const doc = parseWhole(body);
      if (!Array.isArray(doc.value)) throw new ApiError(400, "invalid_body", "a CloudEvents batch must be a JSON array");
      checkCount(doc.value.length);
      refuseProblemsOutside(doc.problems, 1);
      return { single: false, candidates: doc.value.map((ce, i) => fromCloudEvent(i, ce, problemsUnder(doc.problems, [i]))) };
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

function parseWhole(body: string): ParsedJson {
  try {
    return parseJson(body, { maxDepth: PARSE_DEPTH });
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new ApiError(400, "invalid_json", `body is not valid JSON: ${err.message}`, { cause: err });
    throw err;
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

function fromNativeJson(doc: ParsedJson): ParsedBody {
  const value = doc.value;
  if (!isJsonObject(value)) throw new ApiError(400, "invalid_body", 'body must be an event object or {"events": [...]}');
  if (!("events" in value)) return single(fromNative(0, value, doc.problems));
  const events = value.events;
  if (!Array.isArray(events)) throw new ApiError(400, "invalid_body", '"events" must be an array');
  const extra = Object.keys(value).find((k) => k !== "events");
  if (extra !== undefined)
    throw new ApiError(400, "invalid_body", `a batch is {"events": [...]} and nothing else; unknown field ${JSON.stringify(extra)}`, {
      details: { path: extra },
    });
  checkCount(events.length);
  refuseProblemsOutside(doc.problems, 2);
  return { single: false, candidates: events.map((event, i) => fromNative(i, event, problemsUnder(doc.problems, ["events", i]))) };
}

function fromNdjson(body: string): ParsedBody {
  // Blank lines carry no event, but messages name the physical line (1-based) an editor shows.
  const lines = body
    .split("\n")
    .map((text, i) => ({ text, lineNumber: i + 1 }))
    .filter((l) => l.text.trim().length > 0);
  checkCount(lines.length);
  const candidates = lines.map(({ text, lineNumber }, index): Candidate => {
    try {
      const doc = parseJson(text, { maxDepth: PARSE_DEPTH });
      return fromNative(index, doc.value, doc.problems);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      return { index, ok: false, rejection: { index, code: "invalid_json", path: "", message: `line ${lineNumber}: ${err.message}` } };
    }
  });
  return { single: false, candidates };
}

function fromNative(index: number, event: unknown, problems: JsonProblem[]): Candidate {
  const problem = problems[0];
  return problem ? problemRejection(index, problem.path, problem) : { index, ok: true, event };
}

function fromCloudEvent(index: number, ce: unknown, problems: JsonProblem[]): Candidate {
  const problem = problems[0];
  if (problem) return problemRejection(index, problem.path, problem);
  const mapped = cloudEventToEvent(ce);
  if (!mapped.ok) return { index, ok: false, rejection: { index, code: "invalid_cloudevent", path: mapped.path, message: mapped.message } };
  return { index, ok: true, event: mapped.event, attributes: mapped.attributes, senderPath: mapped.senderPath };
}

/** Binary content mode: attributes travel as `ce-*` headers (percent-encoded), the body is the data. */
function fromBinaryCloudEvent(headers: Headers, body: string, mediaType: string): Candidate {
  const ce: Record<string, unknown> = {};
  let refused: Candidate | undefined;
  headers.forEach((value, name) => {
    if (refused || !name.toLowerCase().startsWith("ce-")) return;
    const attribute = name.toLowerCase().slice(3);
    if (attribute === "data" || attribute === "data_base64") {
      refused = binaryRejection(name, "in binary mode the data is the request body, not a header");
    } else ce[attribute] = decodePercent(value);
  });
  if (refused) return refused;
  if (body.length > 0) {
    if (mediaType === "" || /^application\/(.+\+)?json$/.test(mediaType)) {
      try {
        const doc = parseJson(body, { maxDepth: PARSE_DEPTH });
        if (doc.problems[0]) return problemRejection(0, ["data", ...doc.problems[0].path], doc.problems[0]);
        ce.data = doc.value;
      } catch (err) {
        if (!(err instanceof JsonSyntaxError)) throw err;
        return binaryRejection("data", `the body is not valid JSON although content-type says JSON: ${err.message}`);
      }
    } else {
      if (!isStorableText(body)) return binaryRejection("data", UNSTORABLE_TEXT_MESSAGE);
      ce.data = body;
    }
    if (mediaType !== "") ce.datacontenttype ??= headers.get("content-type");
  }
  return fromCloudEvent(0, ce, []);
}

function binaryRejection(path: string, message: string): Candidate {
  return { index: 0, ok: false, rejection: { index: 0, code: "invalid_cloudevent", path, message } };
}

function problemRejection(index: number, path: JsonPath, problem: JsonProblem): Candidate {
  const message = problem.kind === "too_deep" ? `nests deeper than ${LIMITS.maxJsonDepth} levels` : problem.message;
  return { index, ok: false, rejection: { index, code: "invalid_field", path: formatPath(path), message } };
}

/** The problems inside the value at `prefix`, with paths relative to it. */
function problemsUnder(problems: JsonProblem[], prefix: JsonPath): JsonProblem[] {
  return problems
    .filter((p) => prefix.every((k, i) => p.path[i] === k) && p.path.length >= prefix.length)
    .map((p) => ({ ...p, path: p.path.slice(prefix.length) }));
}

/** A problem in the batch's own structure (not inside one event) leaves no event to blame: the request is refused. */
function refuseProblemsOutside(problems: JsonProblem[], eventDepth: number): void {
  const outside = problems.find((p) => p.path.length < eventDepth);
  if (outside)
    throw new ApiError(400, "invalid_body", `${formatPath(outside.path) || "body"}: ${outside.message}`, {
      details: { path: formatPath(outside.path) },
    });
}

// The HTTP binding percent-encodes header values; a value that is not valid percent-encoding is kept as sent.
function decodePercent(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
