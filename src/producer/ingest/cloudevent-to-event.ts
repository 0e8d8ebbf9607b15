/**
 * Maps a CloudEvents 1.0 event (already decoded into its JSON form) onto a
 * native event. id/type/time/data map directly; the CloudEvents `source` is a
 * URI the sender chose, so it is kept as the `ceSource` attribute and never
 * used as the tenant (the tenant comes from the API key). Every other
 * attribute is kept, as sent, under `attributes`, if its value is of a type
 * CloudEvents 1.0 allows for attributes — in JSON a string (String, URI,
 * URI-reference, Timestamp, Binary), a boolean, or an integer of 32 bits;
 * a null is an absent attribute (the JSON format's rule). An object, an
 * array or any other number is refused, naming the attribute. Pure.
 */
import { LIMITS } from "../../shared/config/limits.ts";
import { isJsonObject } from "../../shared/events/fields.ts";
import { findUnstorable, isStorableText, UNSTORABLE_TEXT_MESSAGE } from "../../shared/events/storable.ts";
import type { JsonPath } from "../../shared/json/json-path.ts";

export type MappedCloudEvent =
  | {
      ok: true;
      event: Record<string, unknown>;
      attributes: Record<string, unknown>;
      /** Turns a path in the native event (`payload.x`, `occurredAt`) back into the sender's terms (`data.x`, `time`). */
      senderPath(path: JsonPath): JsonPath;
    }
  | { ok: false; path: string; message: string };

/** CloudEvents 1.0, "Attribute Naming Convention": lower-case ASCII letters and digits. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const MAPPED = new Set(["id", "type", "time", "data", "data_base64", "source", "specversion"]);
/** CloudEvents 1.0 "Type System": Integer is a 32-bit signed whole number. */
const isAttributeInteger = (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

export function cloudEventToEvent(ce: unknown): MappedCloudEvent {
  if (!isJsonObject(ce)) return refuse("", "a CloudEvent must be a JSON object");
  if (ce.specversion !== "1.0") return refuse("specversion", 'must be "1.0"');
  if (typeof ce.source !== "string" || ce.source.length === 0) return refuse("source", "is required (a URI-reference)");
  if (!isStorableText(ce.source)) return refuse("source", UNSTORABLE_TEXT_MESSAGE);
  if (ce.data !== undefined && ce.data_base64 !== undefined)
    return refuse("data_base64", "a CloudEvent carries data or data_base64, not both");

  const attributes: Record<string, unknown> = { specversion: "1.0", ceSource: ce.source };
  for (const [name, value] of Object.entries(ce)) {
    if (MAPPED.has(name)) continue;
    if (!ATTRIBUTE_NAME.test(name)) return refuse(name, "CloudEvents attribute names are lower-case ASCII letters and digits");
    if (value === null) continue;
    if (!(typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && isAttributeInteger(value))))
      return refuse(
        name,
        "a CloudEvents attribute is a string, a boolean or a 32-bit integer (objects, arrays and other numbers belong in data)",
      );
    const problem = findUnstorable(value, LIMITS.maxJsonDepth);
    if (problem) return refuse([name, ...problem.path].join("."), problem.message);
    attributes[name] = value;
  }

  const wrapped = ce.data_base64 !== undefined || !isJsonObject(ce.data);
  const event: Record<string, unknown> = { id: ce.id, type: ce.type, payload: toPayload(ce) };
  if (ce.time !== undefined) event.occurredAt = ce.time;
  return { ok: true, event, attributes, senderPath: (path) => senderPath(path, wrapped) };
}

/** Our payload is a JSON object; CloudEvents data may be anything, so anything else is wrapped. */
function toPayload(ce: Record<string, unknown>): Record<string, unknown> {
  if (ce.data_base64 !== undefined) return { data_base64: ce.data_base64 };
  if (ce.data === undefined) return {};
  return isJsonObject(ce.data) ? ce.data : { data: ce.data };
}

function senderPath(path: JsonPath, wrapped: boolean): JsonPath {
  const [head, ...rest] = path;
  if (head === "occurredAt") return ["time", ...rest];
  if (head !== "payload") return path;
  // A wrapped payload is {"data": …} or {"data_base64": …}: its first key already names the sender's field.
  return wrapped ? rest : ["data", ...rest];
}

function refuse(path: string, message: string): MappedCloudEvent {
  return { ok: false, path, message };
}
