/**
 * Dead-letter operations for the admin API, one database operation per
 * function. `where` objects come from admin/dead-letter-filter.ts.
 */
import type { Db } from "./client.ts";
import { countStages } from "./sql-fragments.ts";

type Where = NonNullable<Parameters<Db["deadLetter"]["findMany"]>[0]>["where"];

export function getDeadLetter(db: Db, id: string) {
  return db.deadLetter.findUnique({ where: { id } });
}

const SUMMARY = {
  id: true,
  source: true,
  eventType: true,
  eventId: true,
  errorCode: true,
  errorMessage: true,
  attempts: true,
  status: true,
  firstFailedAt: true,
  lastFailedAt: true,
  replayCount: true,
  replayedAt: true,
} as const;

/** Newest first; `after` is the last row of the previous page. */
export function listDeadLetters(db: Db, where: Where, after: { lastFailedAt: Date; id: string } | undefined, limit: number) {
  return db.deadLetter.findMany({
    where: after
      ? {
          AND: [
            where ?? {},
            { OR: [{ lastFailedAt: { lt: after.lastFailedAt } }, { lastFailedAt: after.lastFailedAt, id: { lt: after.id } }] },
          ],
        }
      : where,
    orderBy: [{ lastFailedAt: "desc" }, { id: "desc" }],
    take: limit,
    select: SUMMARY,
  });
}

/** How many letters match, by one column (an error code, a source, an event type; "(none)" where unknown). */
export async function countDeadLettersBy(db: Db, where: Where, by: "errorCode" | "source" | "eventType"): Promise<Record<string, number>> {
  const groups = (await db.deadLetter.groupBy({ by: [by], where, _count: { _all: true } })) as unknown as ({
    _count: { _all: number };
  } & Record<typeof by, string | null>)[];
  return Object.fromEntries(groups.map((g) => [g[by] ?? "(none)", g._count._all]));
}

export function countDeadLetters(db: Db, where: Where) {
  return db.deadLetter.count({ where });
}

/** The next chunk to replay, oldest first so that a long replay makes steady progress. */
export function nextDeadLettersToReplay(db: Db, where: Where, excludeJobId: string, limit: number) {
  return db.deadLetter.findMany({
    where: { AND: [where ?? {}, { OR: [{ replayJobId: null }, { replayJobId: { not: excludeJobId } }] }] },
    orderBy: [{ lastFailedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, body: true },
  });
}

/** $1 letter ids, $2 the replay job. */
const MARK_REPLAYED_SQL = `
    WITH marked AS (
      UPDATE dead_letters SET status = 'replayed', replayed_at = now(), replay_count = replay_count + 1, replay_job_id = $2::uuid
      WHERE id = ANY($1::uuid[])
      RETURNING 1
    )
    ${countStages({ replayed: "count(*)" }, "FROM marked HAVING count(*) > 0")}`;

/** Marks letters replayed by a job and counts them in today's `replayed` stage, in one statement. */
export async function markReplayed(db: Db, ids: string[], jobId: string): Promise<void> {
  await db.$executeRawUnsafe(MARK_REPLAYED_SQL, ids, jobId);
}

/** Marks letters discarded with a reason; they stay for audit until the retention purge. */
export async function discardDeadLetters(db: Db, where: Where, reason: string): Promise<number> {
  const r = await db.deadLetter.updateMany({ where, data: { status: "discarded", discardedAt: new Date(), discardReason: reason } });
  return r.count;
}

/** Retention: deletes discarded and replayed letters whose last change is older than `before`. Pending letters are never purged. */
export async function purgeDeadLetters(db: Db, before: Date): Promise<number> {
  const r = await db.deadLetter.deleteMany({
    where: {
      OR: [
        { status: "discarded", discardedAt: { lt: before } },
        { status: "replayed", replayedAt: { lt: before } },
      ],
    },
  });
  return r.count;
}

/** Letters a replay job looked at but could not re-enqueue: tagged so the job moves past them. */
export async function tagSkippedForJob(db: Db, ids: string[], jobId: string): Promise<number> {
  const r = await db.deadLetter.updateMany({ where: { id: { in: ids } }, data: { replayJobId: jobId } });
  return r.count;
}
