/** What POST /v1/events validates beside the body (ingest-routes.ts) and documents (ingest-api.ts). */
import * as z from "zod/mini";

export const ingestQuery = z.object({
  /** All or nothing: one invalid event refuses the whole batch (400 batch_rejected). */
  atomic: z.optional(z.enum(["true", "false"])),
});
