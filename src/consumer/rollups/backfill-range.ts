/**
 * Reads a backfill request's day range. Days are UTC calendar days written
 * YYYY-MM-DD; `to` is inclusive for the caller and becomes the exclusive
 * upper bound the SQL needs. Pure.
 */
import * as z from "zod/mini";
import { eventType, sourceName, utcDay } from "../../shared/events/fields.ts";
import { DAY_MS } from "../../shared/lib/time.ts";

export const MAX_BACKFILL_DAYS = 3660;

export const backfillRequestSchema = z
  .strictObject({
    from: utcDay,
    to: utcDay,
    source: z.optional(sourceName),
    type: z.optional(eventType),
  })
  .check(
    z.refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["to"] }),
    z.refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / DAY_MS < MAX_BACKFILL_DAYS, {
      message: `at most ${MAX_BACKFILL_DAYS} days per backfill`,
      path: ["to"],
    }),
  );

export type BackfillRequest = z.infer<typeof backfillRequestSchema>;

/** [from 00:00 UTC, day after `to` 00:00 UTC) */
export function backfillBounds(r: Pick<BackfillRequest, "from" | "to">): { from: Date; to: Date } {
  return { from: new Date(`${r.from}T00:00:00.000Z`), to: new Date(Date.parse(`${r.to}T00:00:00.000Z`) + DAY_MS) };
}

/**
 * How long a backfill window is. Each window is one statement, which must stay
 * far below a statement timeout however dense the data: the first window is
 * a week, and each next one is sized from how long the last took, aiming at
 * `targetMs` (1 s; Hyperdrive stops a statement at 60 s), growing at most `maxGrowth`×
 * per step so one sparse week cannot launch a huge window into a dense month.
 * Fewer, larger statements on light data; short ones on heavy data.
 */
export const BACKFILL_WINDOW_POLICY = { firstDays: 7, targetMs: 1_000, maxGrowth: 4, maxDays: 92 } as const;

export function nextWindowDays(
  days: number,
  tookMs: number,
  policy: { targetMs: number; maxGrowth: number; maxDays: number } = BACKFILL_WINDOW_POLICY,
): number {
  const fit = tookMs > 0 ? Math.floor((days * policy.targetMs) / tookMs) : Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(fit, days * policy.maxGrowth, policy.maxDays));
}

/** The window of at most `days` UTC days starting at `from`, cut at the range's end. */
export function windowFrom(from: Date, days: number, rangeEnd: Date): { from: Date; to: Date } {
  return { from, to: new Date(Math.min(from.getTime() + days * DAY_MS, rangeEnd.getTime())) };
}
