/** What both Workers' documents share: liveness, the document itself, and the response headers they name. */
import * as z from "zod/mini";
import type { DocumentInfo, Operation } from "./build-document.ts";

export const COMMON_OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness",
    tags: ["health"],
    responses: { 200: { description: "The Worker answers", schema: z.strictObject({ status: z.literal("ok") }) } },
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    tags: ["health"],
    responses: { 200: { description: "The OpenAPI 3.1 document of this Worker", mediaType: "application/json" } },
  },
];

export const COMMON_HEADERS: NonNullable<DocumentInfo["headers"]> = {
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
  "WWW-Authenticate": { description: "Bearer", schema: { type: "string" } },
};
