/**
 * The body of every error response, as a schema (for the OpenAPI documents):
 * a machine-readable code, a sentence, and the details some errors carry.
 * Strict: a field not listed here is a field the document does not promise.
 */

import { REJECTION_CODES } from "@eventline/protocol";
import * as z from "zod/mini";
import { API_ERROR_CODES } from "../errors/api-error.ts";

export const acceptedEventSchema = z.strictObject({ index: z.int(), id: z.string() });

export const rejectionSchema = z.strictObject({
  index: z.int(),
  code: z.enum(REJECTION_CODES),
  /** The field at fault ("" for the whole event). */
  path: z.string(),
  message: z.string(),
});

export const errorResponseSchema = z.strictObject({
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
  /** The field at fault, when there is one. */
  path: z.optional(z.string()),
  /** The request part that field is in (query, json, param). */
  target: z.optional(z.string()),
  /** The event of a batch at fault. */
  index: z.optional(z.int()),
  /** The limit that was exceeded. */
  limit: z.optional(z.union([z.number(), z.strictObject({ bytes: z.number() })])),
  /** The content types ingest reads. */
  supported: z.optional(z.array(z.string())),
  retryAfterSeconds: z.optional(z.number()),
  /** events_expired: the first occurrence day (YYYY-MM-DD) whose events are all still kept. */
  firstCompleteDay: z.optional(z.string()),
  /** Ingest refusals of a whole request: nothing accepted, and why each event was rejected. */
  accepted: z.optional(z.array(acceptedEventSchema)),
  rejected: z.optional(z.array(rejectionSchema)),
});
