/**
 * What the rollup definition routes answer, as zod schemas: the OpenAPI
 * document is built from them and the contract tests check answers against
 * them. Pure.
 */
import * as z from "zod/mini";

const instant = z.iso.datetime();

export const definitionStateSchema = z.object({
  name: z.string(),
  source: z.optional(z.string()),
  type: z.optional(z.string()),
  granularity: z.enum(["hour", "day"]),
  timeZone: z.string(),
  dimensions: z.record(z.string(), z.string()),
  measures: z.record(z.string(), z.unknown()),
  state: z.enum(["backfilling", "current"]),
  /** While backfilling, the receipt time it has read up to: its progress. */
  backfilledTo: z.nullable(instant),
  version: z.number(),
  /** The receipt time of the oldest event the data was computed from (null before any). */
  coveredFrom: z.nullable(instant),
  lastRunAt: z.nullable(instant),
  /** Why the last step failed, and when; null once a step succeeds. */
  lastError: z.nullable(z.string()),
  lastErrorAt: z.nullable(instant),
  skipped: z.number(),
  rows: z.number(),
  createdAt: instant,
  updatedAt: instant,
});

export const definitionListSchema = z.strictObject({ rollups: z.array(definitionStateSchema) });

export const dataPageSchema = z.strictObject({
  rows: z.array(z.looseObject({ bucket: z.string() })),
  nextCursor: z.nullable(z.string()),
});
