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

/**
 * A claim older than this is abandoned (its job died between claiming and
 * re-enqueueing): another job may take the letter. A job holds a claim for
 * one chunk, a few seconds at most.
 */
export const REPLAY_CLAIM_TTL_SECONDS = 300;

/** A replay job as the claim rules need it. */
export interface ClaimingJob {
  id: string;
  createdAt: Date;
}

/**
 * The next letters a job may claim, oldest first so that a long replay makes
 * steady progress: not yet handled by this job, not claimed by another, and
 * not replayed by another job since this one started (the operator's intent
 * is already carried out: sending it again would only make a duplicate).
 */
export function nextDeadLettersToReplay(db: Db, where: Where, job: ClaimingJob, limit: number) {
  const staleClaims = new Date(Date.now() - REPLAY_CLAIM_TTL_SECONDS * 1000);
  return db.deadLetter.findMany({
    where: {
      AND: [
        where ?? {},
        { OR: [{ replayJobId: null }, { replayJobId: { not: job.id } }] },
        { OR: [{ replayClaimedAt: null }, { replayClaimedAt: { lt: staleClaims } }] },
        { OR: [{ replayedAt: null }, { replayedAt: { lt: job.createdAt } }] },
      ],
    },
    orderBy: [{ lastFailedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true },
  });
}

/**
 * $1 candidate ids, $2 the job, $3 its creation time, $4 the claim TTL in
 * seconds. The same rules as nextDeadLettersToReplay, checked again under the
 * row lock the UPDATE takes: of jobs racing for a letter, exactly one gets it.
 */
const CLAIM_SQL = `
    UPDATE dead_letters SET replay_job_id = $2::uuid, replay_claimed_at = now()
    WHERE id = ANY($1::uuid[])
      AND status <> 'discarded'
      AND replay_job_id IS DISTINCT FROM $2::uuid
      AND (replay_claimed_at IS NULL OR replay_claimed_at < now() - make_interval(secs => $4::int))
      AND (replayed_at IS NULL OR replayed_at < $3::timestamptz)
    RETURNING id, body`;

/** Claims the letters among `ids` that no other job holds; returns those this job now holds, with their bodies. */
export function claimDeadLetters(db: Db, ids: string[], job: ClaimingJob) {
  return db.$queryRawUnsafe<{ id: string; body: unknown }[]>(CLAIM_SQL, ids, job.id, job.createdAt, REPLAY_CLAIM_TTL_SECONDS);
}

/** $1 letter ids, $2 the replay job. */
const MARK_REPLAYED_SQL = `
    WITH marked AS (
      UPDATE dead_letters SET status = 'replayed', replayed_at = now(), replay_count = replay_count + 1, replay_claimed_at = NULL
      WHERE id = ANY($1::uuid[]) AND replay_job_id = $2::uuid AND replay_claimed_at IS NOT NULL
      RETURNING 1
    )
    ${countStages({ replayed: "count(*)" }, "FROM marked HAVING count(*) > 0")}`;

/** Marks the letters a job claimed and re-enqueued as replayed, and counts them in today's `replayed` stage, in one statement. */
export async function markReplayed(db: Db, ids: string[], jobId: string): Promise<void> {
  await db.$executeRawUnsafe(MARK_REPLAYED_SQL, ids, jobId);
}

/** Gives back a job's claims on letters it did not re-enqueue (the queue refused them): they stay pending for a new replay. */
export async function releaseClaims(db: Db, ids: string[], jobId: string): Promise<number> {
  const r = await db.deadLetter.updateMany({ where: { id: { in: ids }, replayJobId: jobId }, data: { replayClaimedAt: null } });
  return r.count;
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

/**
 * Letters a replay job claimed but did not re-enqueue because their receipt day
 * is past retention: pending still, with that reason as their error, for an
 * operator to see (and discard); the job's tag stays so it moves past them.
 */
export async function markReceiptDayExpired(db: Db, ids: string[], jobId: string, message: string): Promise<number> {
  const r = await db.deadLetter.updateMany({
    where: { id: { in: ids }, replayJobId: jobId },
    data: { replayClaimedAt: null, errorCode: "receipt_day_expired", errorMessage: message },
  });
  return r.count;
}

/** Letters a replay job claimed but cannot re-enqueue (no event in them): the claim ends, the job's tag stays so it moves past them. */
export async function tagSkippedForJob(db: Db, ids: string[], jobId: string): Promise<number> {
  const r = await db.deadLetter.updateMany({ where: { id: { in: ids }, replayJobId: jobId }, data: { replayClaimedAt: null } });
  return r.count;
}
