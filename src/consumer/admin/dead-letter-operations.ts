/**
 * What operators do, once: the admin API (admin-routes.ts) answers with these
 * as JSON and the operator console (src/consumer/console/) renders them as pages.
 */
import * as z from "zod/mini";
import { notFoundError } from "../../shared/errors/api-error.ts";
import { isoInstant } from "../../shared/events/fields.ts";
import { encodeCursor, readCursor } from "../../shared/http/cursor.ts";
import { wholeNumber } from "../../shared/lib/whole-number.ts";
import type { Db } from "../db/client.ts";
import {
  countDeadLetters,
  countDeadLettersBy,
  discardDeadLetters,
  getDeadLetter,
  letterStates,
  listDeadLetters,
} from "../db/dead-letters.ts";
import { getEvent } from "../db/get-event.ts";
import { createReplayJob, getReplayJob } from "../db/replay-jobs.ts";
import { type DeadLetterFilter, deadLetterFilterSchema, deadLetterWhere, pendingWhere, type Selection } from "./dead-letter-filter.ts";
import { continueReplay } from "./replay-dead-letters.ts";

export const deadLetterListQuery = z.extend(deadLetterFilterSchema, { cursor: z.optional(z.string()), limit: wholeNumber(1, 500, 50) });
const listCursor = z.tuple([isoInstant, z.uuid()]);

/** One page of letters, newest failure first, with the counts by error code of everything the filter matches. */
export async function listDeadLetterPage(db: Db, query: z.infer<typeof deadLetterListQuery>) {
  const { cursor, limit, ...filter } = query;
  let after: { lastFailedAt: Date; id: string } | undefined;
  if (cursor !== undefined) {
    const [lastFailedAt, id] = readCursor(cursor, listCursor);
    after = { lastFailedAt: new Date(lastFailedAt), id };
  }
  const where = deadLetterWhere(filter);
  const [rows, countsByCode] = await Promise.all([
    listDeadLetters(db, where, after, limit + 1),
    countDeadLettersBy(db, where, "errorCode"),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    deadLetters: page,
    countsByCode,
    total: Object.values(countsByCode).reduce((a, b) => a + b, 0),
    nextCursor: rows.length > limit && last ? encodeCursor([last.lastFailedAt.toISOString(), last.id]) : null,
  };
}

/** A replay's dry run: how many letters it would re-enqueue, from which sources, of which types and codes, and a sample. */
export async function previewReplay(db: Db, selection: Selection) {
  const where = pendingWhere(selection);
  const [count, bySource, byType, byCode, sample] = await Promise.all([
    countDeadLetters(db, where),
    countDeadLettersBy(db, where, "source"),
    countDeadLettersBy(db, where, "eventType"),
    countDeadLettersBy(db, where, "errorCode"),
    listDeadLetters(db, where, undefined, 20),
  ]);
  return { dryRun: true as const, count, bySource, byType, byCode, sample };
}

/** A letter by id; 404 when there is none (an id that is not a UUID names none). */
export async function findDeadLetter(db: Db, id: string) {
  const letter = z.uuid().safeParse(id).success ? await getDeadLetter(db, id) : null;
  if (!letter) throw notFoundError(`dead letter ${id}`);
  return letter;
}

/** A replay job by id; 404 when there is none. */
export async function findReplayJob(db: Db, id: string) {
  const job = z.uuid().safeParse(id).success ? await getReplayJob(db, id) : null;
  if (!job) throw notFoundError(`replay job ${id}`);
  return job;
}

/** Works on a replay job until the budget is spent (nothing if it is done); 404 when there is none. */
export async function continueReplayJob(db: Db, queue: Queue<string>, id: string, budgetMs: number) {
  if (!z.uuid().safeParse(id).success) throw notFoundError(`replay job ${id}`);
  return continueReplay(db, queue, id, budgetMs);
}

/** Creates a replay job for the selection and works on it until the budget is spent; continue it with continueReplay. */
export async function startReplay(db: Db, queue: Queue<string>, selection: Selection, budgetMs: number) {
  const total = await countDeadLetters(db, pendingWhere(selection));
  const job = await createReplayJob(db, selection, total);
  return continueReplay(db, queue, job.id, budgetMs);
}

/** "Did my event land?": the stored event, and any dead letters for its id (there may be both, or neither). */
export async function lookupEvent(db: Db, source: string, id: string) {
  const filter: DeadLetterFilter = { source, eventId: id };
  const [{ event, expired }, letters] = await Promise.all([
    getEvent(db, source, id),
    listDeadLetters(db, deadLetterWhere(filter), undefined, 20),
  ]);
  return { event, expired, deadLetters: letters };
}

/**
 * Discards the selected pending letters with a reason (they stay for audit),
 * in one conditional UPDATE: a letter a replay holds is left to it, and a
 * letter discarded here is never claimed by a replay afterwards. Answers what
 * it changed: how many, and for a selection by ids which ones and what became
 * of the others. Discarding twice discards nothing more.
 */
export async function discardLetters(db: Db, selection: Selection, reason: string) {
  const discarded = await discardDeadLetters(db, pendingWhere(selection), reason);
  if (!("ids" in selection)) return { discarded: discarded.length };
  const done = new Set(discarded);
  const others = await letterStates(
    db,
    selection.ids.filter((id) => !done.has(id)),
  );
  return { discarded: discarded.length, ids: discarded, notDiscarded: others };
}
