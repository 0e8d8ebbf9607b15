// Seeded generator of ingest requests that mix valid events with hostile but
// plausible ones, each labelled with whether the producer must accept it.
// Events are built as JSON text, so that what JSON.parse would hide (a
// repeated key, a number a double cannot hold) reaches the server as sent.
import { LIMITS } from "../../src/shared/config/limits.ts";
import type { prng } from "./prng.ts";
import { randomJson } from "./random-json.ts";

type Rng = ReturnType<typeof prng>;

export interface GeneratedEvent {
  /** The id the event carries (every generated event has one, so the database can be checked). */
  id: string;
  /** Whether a correct producer accepts it. */
  accept: boolean;
  /** What was done to it, for the failure message. */
  kind: string;
  /** The event as a native JSON object text, and as a CloudEvent text. */
  native: string;
  cloudEvent: string;
  /** What the payload must read back as, for accepted events. */
  payload?: unknown;
  /** CloudEvents data that is not an object: accepted there, stored wrapped. */
  wrappedPayload?: unknown;
  occurredAtAccepted: boolean;
}

export interface GeneratedRequest {
  headers: Record<string, string>;
  body: string;
  events: GeneratedEvent[];
}

const deep = (levels: number, open: string, close: string, inner = "1") => `${open.repeat(levels)}${inner}${close.repeat(levels)}`;

/** A payload text and the value it must be stored as (undefined: it must be refused). */
type PayloadCase = { kind: string; text: string; value?: unknown; wrapped?: unknown };

function payloadCase(rng: Rng): PayloadCase {
  const plain = randomJson(rng, 5);
  const obj = typeof plain === "object" && plain !== null && !Array.isArray(plain) ? plain : { v: plain };
  const cases: (() => PayloadCase)[] = [
    () => ({ kind: "valid", text: JSON.stringify(obj), value: obj }),
    () => ({
      kind: "valid unicode and odd keys",
      text: '{"__proto__":{"x":1},"constructor":2,"":3,"😀":"ünï","a.b":[]}',
      value: JSON.parse('{"__proto__":{"x":1},"constructor":2,"":3,"😀":"ünï","a.b":[]}'),
    }),
    () => ({
      kind: "valid numbers in other spellings",
      text: '{"a":1.50,"b":1e2,"c":-0,"d":9007199254740992}',
      value: { a: 1.5, b: 100, c: 0, d: 9007199254740992 },
    }),
    () => ({
      kind: "valid nesting at the limit",
      text: `{"a":${deep(LIMITS.maxJsonDepth - 1, "[", "]")}}`,
      value: JSON.parse(`{"a":${deep(LIMITS.maxJsonDepth - 1, "[", "]")}}`),
    }),
    () => ({ kind: "nesting one past the limit", text: `{"a":${deep(LIMITS.maxJsonDepth, "[", "]")}}` }),
    () => ({ kind: "deep arrays", text: `{"a":${deep(4_000 + rng.int(6_000), "[", "]")}}` }),
    () => ({ kind: "deep objects", text: `{"a":${deep(4_000 + rng.int(6_000), '{"k":', "}")}}` }),
    () => ({ kind: "NUL in a value", text: '{"s":"a\\u0000b"}' }),
    () => ({ kind: "NUL in a key", text: '{"a\\u0000":1}' }),
    () => ({ kind: "unpaired surrogate", text: `{"s":"\\u${rng.pick(["d800", "dbff", "dc00", "dfff"])}"}` }),
    () => ({ kind: "number past 2^53", text: '{"n":9007199254740993}' }),
    () => ({ kind: "number past the double range", text: `{"n":${rng.pick(["1e400", "-1e400", "1e-400"])}}` }),
    () => ({ kind: "repeated key", text: '{"k":1,"k":2}' }),
    () => {
      const text = rng.pick(["[]", '"s"', "1", "null"]);
      // Refused as a native payload; as CloudEvents data it is wrapped as {"data": …} (see generateRequest).
      return { kind: "not an object", text, wrapped: { data: JSON.parse(text) } };
    },
  ];
  // Half the payloads are plain valid ones, so that most requests mix valid and hostile events.
  return rng.next() < 0.5 ? cases[0]!() : rng.pick(cases)();
}

function occurredAtCase(rng: Rng): { kind: string; value?: string; accept: boolean } {
  if (rng.next() < 0.6) return { kind: "no occurredAt", accept: true };
  return rng.pick([
    { kind: "no occurredAt", accept: true },
    { kind: "occurredAt with offset", value: "2026-11-01T10:00:00.123+05:30", accept: true },
    { kind: "occurredAt at year 0001", value: "0001-01-01T00:00:00Z", accept: true },
    { kind: "occurredAt in year 0", value: "0000-06-01T00:00:00Z", accept: false },
    { kind: "occurredAt before 0001 by offset", value: "0001-01-01T00:00:00+01:00", accept: false },
    { kind: "occurredAt that is no date", value: "2026-02-30T00:00:00Z", accept: false },
  ]);
}

/** One event; `n` makes its id unique within the run. */
export function generateEvent(rng: Rng, run: string, n: number): GeneratedEvent {
  const id = `${run}-${n}`;
  const payload = payloadCase(rng);
  const at = occurredAtCase(rng);
  // Strings outside the payload, where the CloudEvents form puts them (attributes).
  const attribute = rng.pick([
    { kind: "", text: '"plain"', accept: true },
    { kind: "", text: '"plain"', accept: true },
    { kind: "", text: '"plain"', accept: true },
    { kind: "", text: '"plain"', accept: true },
    { kind: "NUL in an attribute", text: '"a\\u0000b"', accept: false },
    { kind: "unpaired surrogate in an attribute", text: '"\\ud800"', accept: false },
    { kind: "deep attribute", text: deep(500, "[", "]"), accept: false },
  ]);
  const accept = payload.value !== undefined && at.accept;
  const time = at.value === undefined ? "" : `,"occurredAt":${JSON.stringify(at.value)}`;
  const ceTime = at.value === undefined ? "" : `,"time":${JSON.stringify(at.value)}`;
  const kinds = [payload.kind, at.kind, attribute.kind].filter((k) => k && k !== "no occurredAt");
  return {
    id,
    accept,
    kind: kinds.join(", "),
    native: `{"id":"${id}","type":"fuzz.native","payload":${payload.text}${time}}`,
    // Non-object CloudEvents data is wrapped by the producer, so only object payloads are sent as data here.
    cloudEvent: `{"specversion":"1.0","id":"${id}","source":"/fuzz","type":"fuzz.ce","subject":${attribute.text},"data":${payload.text}${ceTime}}`,
    payload: payload.value,
    wrappedPayload: payload.wrapped,
    occurredAtAccepted: at.accept,
  };
}

/** A request of 1–30 events in one of the batch formats (or a single event). */
export function generateRequest(rng: Rng, run: string, next: () => number): GeneratedRequest {
  const count = 1 + rng.int(30);
  const format = rng.pick(["native batch", "ndjson", "cloudevents batch", "native single"] as const);
  const events = Array.from({ length: format === "native single" ? 1 : count }, () => generateEvent(rng, run, next()));
  if (format === "cloudevents batch") {
    // In the CloudEvents form the attribute cases apply too.
    for (const e of events) {
      if (e.wrappedPayload !== undefined) {
        e.accept = e.occurredAtAccepted;
        e.payload = e.wrappedPayload;
      }
      e.accept = e.accept && !/NUL in an attribute|surrogate in an attribute|deep attribute/.test(e.kind);
    }
    return {
      headers: { "content-type": "application/cloudevents-batch+json" },
      body: `[${events.map((e) => e.cloudEvent).join(",")}]`,
      events,
    };
  }
  for (const e of events) e.kind = e.kind.replace(/(, )?(NUL in an attribute|unpaired surrogate in an attribute|deep attribute)/, "");
  if (format === "ndjson")
    return { headers: { "content-type": "application/x-ndjson" }, body: events.map((e) => e.native).join("\n"), events };
  if (format === "native single") return { headers: { "content-type": "application/json" }, body: events[0]!.native, events };
  return { headers: { "content-type": "application/json" }, body: `{"events":[${events.map((e) => e.native).join(",")}]}`, events };
}
