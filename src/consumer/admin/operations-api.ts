/**
 * The consumer Worker's API as an OpenAPI 3.1 document (GET /openapi.json):
 * the admin API, the rollup read API, metrics and health — the console's HTML
 * routes are a browser's, not a client's, and are left out. Request shapes
 * are the schemas the routes validate with; responses are operator-schemas.ts.
 */
import * as z from "zod/mini";
import { errorResponseSchema } from "../../shared/http/error-response.ts";
import { documentOnce, type Operation } from "../../shared/http/openapi/build-document.ts";
import { COMMON_HEADERS, COMMON_OPERATIONS } from "../../shared/http/openapi/common-operations.ts";
import { backfillRequestSchema } from "../rollups/backfill-range.ts";
import { rollupQuery } from "../rollups/rollup-routes.ts";
import { dataPageSchema, definitionListSchema, definitionStateSchema } from "../rollups/user-defined/api-schemas.ts";
import { dataQuerySchema } from "../rollups/user-defined/data-query.ts";
import { rollupDefinitionSchema } from "../rollups/user-defined/definition-schema.ts";
import { eventPathParams } from "./admin-routes.ts";
import { discardRequestSchema, replayRequestSchema } from "./dead-letter-filter.ts";
import { deadLetterListQuery } from "./dead-letter-operations.ts";
import {
  backfillReportSchema,
  deadLetterPageSchema,
  deadLetterSchema,
  discardResultSchema,
  replayJobSchema,
  replayPreviewSchema,
  rollupPageSchema,
  rollupRunReportSchema,
  statsSchema,
  storedEventSchema,
} from "./operator-schemas.ts";

const idParam = z.object({ id: z.string() });
const rollupNameParam = z.object({ name: z.string() });
const error = (description: string) => ({ description, schema: errorResponseSchema });
/** Every route that reads the database may answer this while it cannot be reached (docs/operations.md#when-the-database-is-down). */
const databaseUnavailable = {
  ...error("database_unavailable: the database did not answer within the connect timeout and deadline; nothing was changed"),
  headers: ["Retry-After"],
};
/** What every admin operation may answer besides its own results. */
const adminErrors = {
  400: error("invalid_json or invalid_request: the field (path) and why"),
  401: { ...error("unauthorized: no or a wrong admin token"), headers: ["WWW-Authenticate"] },
  403: error("forbidden: an ingest API key is not an admin token"),
  413: error("payload_too_large: over 1 MB"),
  429: { ...error("rate_limited: too many failed authentications from this address"), headers: ["Retry-After"] },
  500: error("internal_error: the request failed on the server (the error is in the Worker's logs)"),
  503: databaseUnavailable,
};
const admin = (op: Omit<Operation, "tags" | "security" | "responses"> & { responses: Operation["responses"] }): Operation => ({
  ...op,
  tags: ["admin"],
  security: ["adminToken"],
  responses: { ...adminErrors, ...op.responses },
});

/** The consumer's operations (the document's source; contract tests check responses against them). */
export const CONSUMER_OPERATIONS: readonly Operation[] = [
  admin({
    method: "get",
    path: "/admin/events/{source}/{id}",
    summary: "One stored event",
    params: eventPathParams,
    responses: {
      200: { description: "The event as stored", schema: storedEventSchema },
      404: error("not_found: no such event is kept, and the dedupe ledger does not remember one"),
      410: error("event_expired: the event was stored, and retention (EVENT_RETENTION_DAYS) has dropped it"),
    },
  }),
  admin({
    method: "get",
    path: "/admin/dead-letters",
    summary: "Dead letters, newest failure first, with counts by error code",
    query: deadLetterListQuery,
    responses: { 200: { description: "One page (nextCursor for the next)", schema: deadLetterPageSchema } },
  }),
  admin({
    method: "get",
    path: "/admin/dead-letters/{id}",
    summary: "One dead letter, whole",
    params: idParam,
    responses: { 200: { description: "The letter", schema: deadLetterSchema }, 404: error("not_found") },
  }),
  admin({
    method: "post",
    path: "/admin/dead-letters/replay",
    summary: "Replay dead letters (or a dry run)",
    description: "By ids or by a filter. Each letter is claimed by one job: racing replays never send a letter twice.",
    body: { "application/json": { schema: replayRequestSchema } },
    responses: {
      200: { description: "dryRun: what would be replayed", schema: replayPreviewSchema },
      202: { description: "The replay job, worked on for up to 20 s; continue it until it is not running", schema: replayJobSchema },
    },
  }),
  admin({
    method: "get",
    path: "/admin/replay-jobs/{id}",
    summary: "A replay job's progress",
    params: idParam,
    responses: { 200: { description: "The job", schema: replayJobSchema }, 404: error("not_found") },
  }),
  admin({
    method: "post",
    path: "/admin/replay-jobs/{id}/continue",
    summary: "Work on a replay job for up to 20 s more",
    params: idParam,
    responses: { 200: { description: "The job", schema: replayJobSchema }, 404: error("not_found") },
  }),
  admin({
    method: "post",
    path: "/admin/dead-letters/discard",
    summary: "Discard dead letters, with a reason (kept for audit)",
    body: { "application/json": { schema: discardRequestSchema } },
    responses: { 200: { description: "How many were discarded", schema: discardResultSchema } },
  }),
  admin({
    method: "get",
    path: "/admin/stats",
    summary: "Stage counters, dead letters, rollups, and the last hour's ingest → row lag",
    responses: { 200: { description: "The pipeline's figures", schema: statsSchema } },
  }),
  admin({
    method: "post",
    path: "/admin/rollups/backfill",
    summary: "Recompute rollups of a range from events (call again from nextFrom until complete)",
    body: { "application/json": { schema: backfillRequestSchema } },
    responses: {
      200: { description: "What was done", schema: backfillReportSchema },
      409: error(
        "events_expired: the range starts before firstCompleteDay, whose events retention has dropped; the rollups stay as they are",
      ),
    },
  }),
  admin({
    method: "post",
    path: "/admin/rollups/run",
    summary: "Apply pending rollup deltas now",
    responses: { 200: { description: "What was applied", schema: rollupRunReportSchema } },
  }),
  admin({
    method: "get",
    path: "/admin/rollups",
    summary: "Rollups users define, with their state",
    responses: { 200: { description: "Every definition", schema: definitionListSchema } },
  }),
  admin({
    method: "put",
    path: "/admin/rollups/{name}",
    summary: "Create or replace a rollup definition",
    description:
      "Creating or changing a definition computes it over every retained event (a backfill, state backfilling), then keeps it current with each cron run. A replace that changes nothing changes nothing.",
    params: rollupNameParam,
    body: { "application/json": { schema: rollupDefinitionSchema } },
    responses: {
      200: { description: "Replaced (or unchanged)", schema: definitionStateSchema },
      201: { description: "Created", schema: definitionStateSchema },
      400: error("invalid_rollup_definition (path: the field) or invalid_json"),
      409: error("too_many_rollups: the deployment holds the most definitions it may"),
    },
  }),
  admin({
    method: "get",
    path: "/admin/rollups/{name}",
    summary: "One rollup definition, with its state",
    params: rollupNameParam,
    responses: { 200: { description: "The definition", schema: definitionStateSchema }, 404: error("rollup_not_found") },
  }),
  admin({
    method: "delete",
    path: "/admin/rollups/{name}",
    summary: "Delete a rollup definition and its data",
    params: rollupNameParam,
    responses: { 204: { description: "Deleted" }, 404: error("rollup_not_found") },
  }),
  admin({
    method: "get",
    path: "/admin/rollups/{name}/data",
    summary: "A rollup's rows: buckets in [from, to), sorted by bucket then dimension values",
    description:
      "from and to: RFC 3339 instants, or dates meaning local midnight in the definition's zone. Any dimension's name is a filter too (?country=US). format=csv answers text/csv (the next page's cursor in X-Next-Cursor).",
    params: rollupNameParam,
    query: dataQuerySchema,
    responses: {
      200: { description: "One page (nextCursor for the next)", schema: dataPageSchema },
      404: error("rollup_not_found"),
    },
  }),
  {
    method: "get",
    path: "/v1/rollups",
    summary: "Daily rollups of the API key's source",
    tags: ["rollups"],
    security: ["apiKey"],
    query: rollupQuery,
    responses: {
      200: { description: "One page, by day then type", schema: rollupPageSchema },
      400: error("invalid_request"),
      401: { ...error("unauthorized"), headers: ["WWW-Authenticate"] },
      403: error("source_forbidden: another source than the key's"),
      429: { ...error("rate_limited: per key, or too many failed authentications"), headers: ["Retry-After"] },
      500: error("internal_error"),
      503: databaseUnavailable,
    },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Metrics for a scraper: OpenMetrics 1.0 when asked (Accept), else Prometheus text 0.0.4",
    tags: ["metrics"],
    security: ["adminToken", "metricsToken"],
    responses: {
      200: { description: "The exposition", mediaType: "application/openmetrics-text" },
      401: { ...error("unauthorized"), headers: ["WWW-Authenticate"] },
      429: { ...error("rate_limited: too many failed authentications"), headers: ["Retry-After"] },
      500: error("internal_error"),
      503: databaseUnavailable,
    },
  },
  ...COMMON_OPERATIONS,
];

/** The document GET /openapi.json serves. */
export const operationsOpenApi = documentOnce(
  {
    title: "Eventline operations (consumer Worker)",
    version: "1",
    description: "The admin API, the rollup read API and metrics. Operators' guide: docs/operations.md.",
    securitySchemes: {
      adminToken: { type: "http", scheme: "bearer", description: "The admin token (npm run keys:create -- --admin)" },
      metricsToken: { type: "http", scheme: "bearer", description: "A read-only token for GET /metrics (METRICS_TOKEN_SHA256)" },
      apiKey: { type: "http", scheme: "bearer", description: "An ingest API key: reads its own source's rollups" },
    },
    headers: COMMON_HEADERS,
  },
  CONSUMER_OPERATIONS,
);
