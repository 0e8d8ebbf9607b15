/**
 * Reads a backfill request's day range. Days are UTC calendar days written
 * YYYY-MM-DD; `to` is inclusive for the caller and becomes the exclusive
 * upper bound the SQL needs. Pure.
 */
import * as z from "zod";

export const MAX_BACKFILL_DAYS = 3660;
const DAY_MS = 86_400_000;

const day = z.iso.date({ message: "must be a date YYYY-MM-DD" });

export const backfillRequestSchema = z
  .strictObject({
    from: day,
    to: day,
    source: z.string().min(1).max(64).optional(),
    type: z.string().min(1).max(64).optional(),
  })
  .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["to"] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / DAY_MS < MAX_BACKFILL_DAYS, { message: `at most ${MAX_BACKFILL_DAYS} days per backfill`, path: ["to"] });

export type BackfillRequest = z.infer<typeof backfillRequestSchema>;

/** [from 00:00 UTC, day after `to` 00:00 UTC) */
export function backfillBounds(r: Pick<BackfillRequest, "from" | "to">): { from: Date; to: Date } {
  return { from: new Date(`${r.from}T00:00:00.000Z`), to: new Date(Date.parse(`${r.to}T00:00:00.000Z`) + DAY_MS) };
}

/**
 * Splits [from, to) into windows of at most `days` UTC days: each window is
 * one statement, small enough to stay far below Accelerate's 10 s query
 * timeout on a large table, and the unit a budget-limited run resumes from.
 */
export function splitDays(range: { from: Date; to: Date }, days: number): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  for (let t = range.from.getTime(); t < range.to.getTime(); t += days * DAY_MS) {
    out.push({ from: new Date(t), to: new Date(Math.min(t + days * DAY_MS, range.to.getTime())) });
  }
  return out;
}
