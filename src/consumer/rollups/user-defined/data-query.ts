/**
 * GET /admin/rollups/{name}/data's query string: a range (RFC 3339 instants,
 * or dates meaning local midnight in the definition's zone), a page, a
 * format, and a value per dimension to keep. Pure.
 */
import * as z from "zod/mini";
import { ApiError } from "../../../shared/errors/api-error.ts";
import { isoInstant, utcDay } from "../../../shared/events/fields.ts";
import { readCursor } from "../../../shared/http/cursor.ts";
import type { RollupDefinition } from "./definition-schema.ts";
import { ROLLUP_LIMITS } from "./limits.ts";

const bound = z.union([utcDay, isoInstant]);

export const dataQuerySchema = z.object({
  from: bound,
  to: bound,
  format: z._default(z.enum(["json", "csv"]), "json"),
  limit: z._default(
    z.coerce.number().check(z.refine(Number.isInteger, "must be a whole number"), z.minimum(1), z.maximum(ROLLUP_LIMITS.maxPageRows)),
    ROLLUP_LIMITS.defaultPageRows,
  ),
  cursor: z.optional(z.string()),
});

export type DataQuery = z.output<typeof dataQuerySchema>;

/** A date (YYYY-MM-DD) is a local day's start; anything else an instant. */
export const isDate = (bound: string) => bound.length === 10;

const cursorSchema = z.tuple([z.string(), z.string()]);

export function readDataCursor(cursor: string): { bucket: Date; dims: string } {
  const [bucket, dims] = readCursor(cursor, cursorSchema);
  const at = new Date(bucket);
  if (Number.isNaN(at.getTime()))
    throw new ApiError(400, "invalid_request", "cursor is not one this API issued", { details: { path: "cursor" } });
  return { bucket: at, dims };
}

/**
 * The dimension filters of a query string: one value per dimension at most,
 * in the definition's order (null: any). A parameter that is neither a
 * query field nor a dimension is refused, so a misspelt filter is not quietly
 * ignored.
 */
export function dimensionFilters(def: RollupDefinition, query: Record<string, string>): (string | null)[] {
  const dims = Object.keys(def.dimensions);
  for (const key of Object.keys(query)) {
    if (!(key in dataQuerySchema.def.shape) && !dims.includes(key)) {
      throw new ApiError(
        400,
        "invalid_request",
        `query.${key}: not a query parameter nor a dimension of this rollup (${dims.join(", ") || "none"})`,
        {
          details: { path: key, target: "query" },
        },
      );
    }
  }
  return dims.map((d) => query[d] ?? null);
}
