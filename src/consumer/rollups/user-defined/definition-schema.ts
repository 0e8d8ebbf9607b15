/**
 * A rollup definition as PUT /admin/rollups/{name} accepts it, and its
 * normal form (what is stored and answered: the time zone given, the
 * dimensions present): which events, bucketed how, grouped by which values,
 * measuring what. Pure.
 */
import * as z from "zod/mini";
import { sourceName } from "../../../shared/events/fields.ts";
import { pointerTarget } from "./json-pointer.ts";
import { OUTPUT_NAME_PATTERN, RESERVED_OUTPUT_NAMES, ROLLUP_LIMITS, ROLLUP_NAME_PATTERN } from "./limits.ts";

export const rollupName = z.string().check(z.regex(ROLLUP_NAME_PATTERN, `must match ${ROLLUP_NAME_PATTERN.source}`));

/** An exact type or a prefix ending in ".*" (same alphabet as event types). */
const TYPE_SELECTOR = /^[a-z0-9][a-z0-9_.:-]{0,127}$|^([a-z0-9][a-z0-9_.:-]{0,126}\.)\*$/;
const typeSelector = z.string().check(z.regex(TYPE_SELECTOR, 'must be an event type, or a prefix ending in ".*" (e.g. "order.*")'));

const pointer = z.string().check(
  z.maxLength(ROLLUP_LIMITS.maxPointerLength),
  z.superRefine((p, ctx) => {
    const t = pointerTarget(p);
    if ("error" in t) ctx.addIssue({ code: "custom", message: t.error, input: p });
  }),
);

/** An IANA time zone name this runtime knows (Postgres reads the same tz database). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().check(z.maxLength(64), z.refine(isTimeZone, "must be an IANA time zone name (e.g. America/New_York)"));

const measure = z.union([
  z.literal("count"),
  z.strictObject({ sum: pointer }),
  z.strictObject({ min: pointer }),
  z.strictObject({ max: pointer }),
  z.strictObject({ distinct: pointer }),
]);

const outputName = z.string().check(
  z.regex(OUTPUT_NAME_PATTERN, `must match ${OUTPUT_NAME_PATTERN.source}`),
  z.refine((n) => !RESERVED_OUTPUT_NAMES.includes(n), `must not be one of ${RESERVED_OUTPUT_NAMES.join(", ")}`),
);

const names = (what: string, min: number, max: number) =>
  z.refine<Record<string, unknown>>((o) => Object.keys(o).length >= min && Object.keys(o).length <= max, {
    message: min > 0 ? `${what}: ${min} to ${max}` : `${what}: at most ${max}`,
  });

export const rollupDefinitionSchema = z
  .strictObject({
    source: z.optional(sourceName),
    type: z.optional(typeSelector),
    granularity: z.enum(["hour", "day"]),
    timeZone: z._default(timeZone, "UTC"),
    dimensions: z._default(z.record(outputName, pointer).check(names("dimensions", 0, ROLLUP_LIMITS.maxDimensions)), {}),
    measures: z.record(outputName, measure).check(names("measures", ROLLUP_LIMITS.minMeasures, ROLLUP_LIMITS.maxMeasures)),
  })
  .check(
    z.superRefine((d, ctx) => {
      for (const name of Object.keys(d.measures)) {
        if (Object.hasOwn(d.dimensions, name)) {
          ctx.addIssue({
            code: "custom",
            path: ["measures", name],
            message: `"${name}" is also a dimension: each column needs its own name`,
            input: d,
          });
        }
      }
    }),
  );

export type RollupDefinition = z.output<typeof rollupDefinitionSchema>;
export type Measure = RollupDefinition["measures"][string];
export type MeasureKind = "count" | "sum" | "min" | "max" | "distinct";

/** A measure's kind and, but for count, the pointer it reads. */
export function measureParts(m: Measure): { kind: MeasureKind; pointer?: string } {
  if (m === "count") return { kind: "count" };
  const [kind, pointer] = Object.entries(m)[0] as [MeasureKind, string];
  return { kind, pointer };
}
