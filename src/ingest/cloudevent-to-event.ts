/**
 * Maps a CloudEvents 1.0 event (already decoded into its JSON form) onto a
 * native event. id/type/time/data map directly; the CloudEvents `source` is a
 * URI the sender chose, so it is kept as the `ceSource` attribute and never
 * used as the tenant (the tenant comes from the API key). Every other
 * attribute is kept under `attributes`.
 */
export interface MappedCloudEvent {
  event: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

const MAPPED = new Set(["id", "type", "time", "data", "data_base64", "source", "specversion"]);

export function cloudEventToEvent(ce: Record<string, unknown>): MappedCloudEvent | { error: { path: string; message: string } } {
  if (ce.specversion !== "1.0") return { error: { path: "specversion", message: 'must be "1.0"' } };
  if (typeof ce.source !== "string" || ce.source.length === 0)
    return { error: { path: "source", message: "is required (a URI-reference)" } };
  const attributes: Record<string, unknown> = { specversion: "1.0", ceSource: ce.source };
  for (const [k, v] of Object.entries(ce)) if (!MAPPED.has(k)) attributes[k] = v;
  const event: Record<string, unknown> = { id: ce.id, type: ce.type, payload: toPayload(ce) };
  if (ce.time !== undefined) event.occurredAt = ce.time;
  return { event, attributes };
}

/** Our payload is a JSON object; CloudEvents data may be anything, so non-objects are wrapped. */
function toPayload(ce: Record<string, unknown>): unknown {
  if (ce.data_base64 !== undefined) return { data_base64: ce.data_base64 };
  const data = ce.data;
  if (data === undefined) return {};
  if (typeof data === "object" && data !== null && !Array.isArray(data)) return data;
  return { data };
}

/** Binary content mode: attributes travel as `ce-*` headers, the body is the data. */
export function cloudEventFromBinary(
  headers: Headers,
  body: string,
): Record<string, unknown> | { error: { path: string; message: string } } {
  const ce: Record<string, unknown> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (lower.startsWith("ce-")) ce[lower.slice(3)] = decodeURIComponentSafe(value);
  });
  const contentType = headers.get("content-type") ?? "";
  if (body.length > 0) {
    if (/^application\/(.+\+)?json\b/i.test(contentType) || contentType === "") {
      try {
        ce.data = JSON.parse(body);
      } catch {
        return { error: { path: "data", message: "body is not valid JSON although content-type says JSON" } };
      }
      ce.datacontenttype ??= contentType || undefined;
    } else {
      ce.data = body;
      ce.datacontenttype = contentType;
    }
  }
  if (ce.datacontenttype === undefined) delete ce.datacontenttype;
  return ce;
}

// CloudEvents HTTP binding percent-encodes some header values.
function decodeURIComponentSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
