/**
 * GET /v1/rollups — daily aggregates for the caller's source (from its API
 * key), sorted by day then type, cursor-paginated.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import { type ApiKeyVariables, apiKeyAuth } from "../../shared/auth/api-key-auth.ts";
import { ApiError } from "../../shared/errors/api-error.ts";
import { eventType, sourceName, utcDay } from "../../shared/events/fields.ts";
import { encodeCursor, readCursor } from "../../shared/http/cursor.ts";
import { validate } from "../../shared/http/validate.ts";
import { wholeNumber } from "../../shared/lib/whole-number.ts";
import type { ConsumerEnv } from "../consumer-env.ts";
import { listRollups } from "../db/list-rollups.ts";
import { requestDb } from "../db/request-database.ts";

export const rollupQuery = z.strictObject({
  from: utcDay,
  to: utcDay,
  source: z.optional(sourceName),
  type: z.optional(eventType),
  cursor: z.optional(z.string()),
  limit: wholeNumber(1, 1000, 100),
});

const cursorSchema = z.tuple([utcDay, eventType]);

export const rollupRoutes = new Hono<{ Bindings: ConsumerEnv; Variables: ApiKeyVariables }>();

rollupRoutes.get(
  "/v1/rollups",
  apiKeyAuth<ConsumerEnv>((env) => env.READ_RATE_LIMITER),
  validate("query", rollupQuery),
  async (c) => {
    const q = c.req.valid("query");
    if (q.source !== undefined && q.source !== c.var.source) {
      throw new ApiError(403, "source_forbidden", `this API key reads source "${c.var.source}", not "${q.source}"`, {
        details: { path: "source" },
      });
    }
    let after: { day: Date; type: string } | undefined;
    if (q.cursor !== undefined) {
      const [day, type] = readCursor(q.cursor, cursorSchema);
      after = { day: new Date(`${day}T00:00:00Z`), type };
    }
    const rows = await listRollups(requestDb(c), {
      source: c.var.source,
      from: new Date(`${q.from}T00:00:00Z`),
      to: new Date(`${q.to}T00:00:00Z`),
      type: q.type,
      after,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit).map((r) => ({ ...r, day: r.day.toISOString().slice(0, 10) }));
    const last = page.at(-1);
    return c.json({ rollups: page, nextCursor: rows.length > q.limit && last ? encodeCursor([last.day, last.type]) : null });
  },
);
