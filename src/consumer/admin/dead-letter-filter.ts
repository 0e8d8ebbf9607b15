/**
 * The dead-letter filter shared by list, replay and discard, and its
 * translation to a Prisma `where`. Pure: no Prisma import, plain objects.
 */
import * as z from "zod/mini";
import { isoInstant, storableText } from "../../shared/events/fields.ts";

export const DEAD_LETTER_STATUSES = ["pending", "replayed", "discarded"] as const;

export const deadLetterFilterSchema = z.strictObject({
  source: z.optional(storableText(1, 256)),
  type: z.optional(storableText(1, 256)),
  code: z.optional(storableText(1, 256)),
  status: z.optional(z.enum(DEAD_LETTER_STATUSES)),
  /** The failed event's own id (with `source`, one event's letters). */
  eventId: z.optional(storableText(1, 256)),
  /** lastFailedAt >= from */
  from: z.optional(isoInstant),
  /** lastFailedAt < to */
  to: z.optional(isoInstant),
});

export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

export function deadLetterWhere(f: DeadLetterFilter) {
  return {
    ...(f.source ? { source: f.source } : {}),
    ...(f.type ? { eventType: f.type } : {}),
    ...(f.code ? { errorCode: f.code } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.eventId ? { eventId: f.eventId } : {}),
    ...(f.from || f.to ? { lastFailedAt: { ...(f.from ? { gte: new Date(f.from) } : {}), ...(f.to ? { lt: new Date(f.to) } : {}) } } : {}),
  };
}

/** A replay or discard names either explicit ids or a non-empty filter: never "everything" by accident. */
export type Selection = { ids: string[] } | { filter: DeadLetterFilter };

const selectionFields = {
  ids: z.optional(z.array(z.uuid()).check(z.minLength(1), z.maxLength(10_000))),
  filter: z.optional(
    deadLetterFilterSchema.check(
      z.refine((f) => Object.keys(f).length > 0, { message: "an empty filter would select every dead letter; name at least one field" }),
    ),
  ),
};

const exactlyOne = (b: { ids?: unknown; filter?: unknown }) => (b.ids === undefined) !== (b.filter === undefined);
const exactlyOneMessage = { message: 'give either "ids" or "filter"', path: ["ids"] };

export const replayRequestSchema = z
  .strictObject({ ...selectionFields, dryRun: z._default(z.boolean(), false) })
  .check(z.refine(exactlyOne, exactlyOneMessage));
export const discardRequestSchema = z
  .strictObject({ ...selectionFields, reason: storableText(3, 500, { trim: true }) })
  .check(z.refine(exactlyOne, exactlyOneMessage));

export function toSelection(b: { ids?: string[]; filter?: DeadLetterFilter }): Selection {
  return b.ids ? { ids: b.ids } : { filter: b.filter! };
}

/**
 * What a replay or a discard may act on: pending letters only. Replayed and
 * discarded are final (a replayed letter whose event fails again comes back
 * as pending, by the dead-letter consumer), so a second click, or a second
 * operator, finds nothing left to do. A filter naming another status selects
 * nothing.
 */
export function pendingWhere(s: Selection) {
  const selected = "ids" in s ? { id: { in: s.ids } } : deadLetterWhere(s.filter);
  const other = "filter" in s && s.filter.status !== undefined && s.filter.status !== "pending";
  return { ...selected, status: "pending" as const, ...(other ? { id: { in: [] as string[] } } : {}) };
}
