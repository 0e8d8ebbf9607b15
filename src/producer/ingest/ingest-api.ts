/**
 * The producer's API as an OpenAPI 3.1 document (GET /openapi.json), from the
 * schemas ingest validates with (ingest-schemas.ts, events/event-schema.ts)
 * and answers with (http/error-response.ts).
 */

import { EVENTS_PATH, SIGNATURE_HEADER } from "@eventline/protocol";
import * as z from "zod/mini";
import { LIMITS } from "../../shared/config/limits.ts";
import { nativeEventSchema } from "../../shared/events/event-schema.ts";
import { acceptedEventSchema, errorResponseSchema, rejectionSchema } from "../../shared/http/error-response.ts";
import { documentOnce, type Operation } from "../../shared/http/openapi/build-document.ts";
import { COMMON_HEADERS, COMMON_OPERATIONS } from "../../shared/http/openapi/common-operations.ts";
import { ingestQuery } from "./ingest-schemas.ts";

export const ingestResponseSchema = z.strictObject({ accepted: z.array(acceptedEventSchema), rejected: z.array(rejectionSchema) });

const CLOUDEVENT_ATTRIBUTES = ["id", "source", "type", "specversion", "time", "subject", "dataschema"];

/** One native event, or a batch of them: converted to JSON Schema when the document is first built, not at startup. */
const eventOrBatch = z.union([
  nativeEventSchema,
  z.strictObject({ events: z.array(nativeEventSchema).check(z.maxLength(LIMITS.maxEventsPerRequest)) }),
]);
const cloudEvent = {
  type: "object",
  description: "A CloudEvent (structured mode). `data` becomes the payload; `source` and extensions are kept as attributes.",
  properties: Object.fromEntries(CLOUDEVENT_ATTRIBUTES.map((a) => [a, { type: "string" }])),
  required: ["id", "source", "type", "specversion"],
  additionalProperties: true,
};

const errors = (description: string) => ({ description, schema: errorResponseSchema });

const ingestOp: Operation = {
  method: "post",
  path: EVENTS_PATH,
  summary: "Send events",
  description:
    `One event, a batch ({"events": [...]}) of up to ${LIMITS.maxEventsPerRequest}, NDJSON, or CloudEvents (structured, batch or binary mode). ` +
    "Accepted events are answered with their ids; each rejected event with a code, the field and why. Sources listed in SIGNING_SECRETS must sign (the X-Eventline-Signature header).",
  tags: ["ingest"],
  security: ["apiKey"],
  query: ingestQuery,
  headers: [
    {
      name: SIGNATURE_HEADER,
      description:
        "t=<unix seconds>,v2=<hex HMAC-SHA256 of the canonical request>; required for signing sources (docs/api.md#signed-requests)",
    },
    ...["ce-id", "ce-source", "ce-type", "ce-specversion", "ce-time"].map((name) => ({
      name,
      description: "CloudEvents binary mode: the attribute, the body being the data (any other ce-* header is an extension attribute)",
    })),
  ],
  body: {
    "application/json": { schema: eventOrBatch },
    "application/x-ndjson": { schema: { type: "string", description: "One native event per line; blank lines are skipped" } },
    "application/cloudevents+json": { schema: cloudEvent },
    "application/cloudevents-batch+json": { schema: { type: "array", items: cloudEvent, maxItems: LIMITS.maxEventsPerRequest } },
  },
  responses: {
    202: {
      description: "Accepted: each event accepted (with its id) or rejected (with why); accepted events will be stored",
      schema: ingestResponseSchema,
    },
    400: errors("invalid_json, invalid_body, invalid_request, invalid_event, no_valid_events or batch_rejected (with accepted/rejected)"),
    401: { ...errors("unauthorized, signature_required, signature_invalid or signature_expired"), headers: ["WWW-Authenticate"] },
    403: errors("source_forbidden: an event names another source than the API key's"),
    413: errors("payload_too_large, too_many_events, event_too_large, no_valid_events or atomic_batch_too_large"),
    415: errors("unsupported_media_type"),
    429: { ...errors("rate_limited (retry after Retry-After) or queue_unavailable"), headers: ["Retry-After"] },
    503: { ...errors("queue_unavailable: nothing was accepted; retry"), headers: ["Retry-After"] },
    500: errors("internal_error: the request failed on the server (the error is in the Worker's logs)"),
  },
};

/** The producer's operations (the document's source; contract tests check responses against them). */
export const INGEST_OPERATIONS: readonly Operation[] = [ingestOp, ...COMMON_OPERATIONS];

/** The document GET /openapi.json serves. */
export const ingestOpenApi = documentOnce(
  {
    title: "Eventline ingest (producer Worker)",
    version: "1",
    description: "Where upstream services send events. Guarantees, limits and examples: docs/api.md.",
    securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An ingest API key (npm run keys:create -- <source>)" } },
    headers: COMMON_HEADERS,
  },
  INGEST_OPERATIONS,
);
