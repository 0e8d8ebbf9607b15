/**
 * Dead-letter operations for the admin API, one database operation per
 * function. `where` objects come from admin/dead-letter-filter.ts.
 */
import type { Db } from "./client.ts";

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
}

/** Letters no live replay holds: never claimed, or claimed by a job that died before marking them. */
const unclaimed = () => ({
  OR: [{ replayClaimedAt: null }, { replayClaimedAt: { lt: new Date(Date.now() - REPLAY_CLAIM_TTL_SECONDS * 1000) } }],
});

/**
 * The next letters a job may claim, oldest first so that a long replay makes
 * steady progress: pending (`where` says so), not yet handled by this job and
 * not claimed by another. Only candidates: the claim decides.
 */
export function nextDeadLettersToReplay(db: Db, where: Where, job: ClaimingJob, limit: number) {
  return db.deadLetter.findMany({
    where: {
      AND: [where ?? {}, { OR: [{ replayJobId: null }, { replayJobId: { not: job.id } }] }, unclaimed()],
    },
    orderBy: [{ lastFailedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true },
  });
}

/**
 * $1 candidate ids, $2 the job, $3 the claim TTL in seconds. A claim is a
 * conditional UPDATE of the letter's row: pending, not this job's, held by no
 * live job. A job racing for the same row waits for its lock and checks the
 * conditions again on the row as the winner left it (PostgreSQL's READ
 * COMMITTED re-check), so exactly one job gets a letter; a letter discarded
 * or replayed meanwhile is no longer pending. No clock is compared with
 * another transaction's.
 */
const CLAIM_SQL = `
    UPDATE dead_letters SET replay_job_id = $2::uuid, replay_claimed_at = clock_timestamp()
    WHERE id = ANY($1::uuid[])
      AND status = 'pending'
      AND replay_job_id IS DISTINCT FROM $2::uuid
      AND (replay_claimed_at IS NULL OR replay_claimed_at < clock_timestamp() - make_interval(secs => $3::int))
    RETURNING id, body`;

/** Claims the letters among `ids` that no other job holds; returns those this job now holds, with their bodies. */
export function claimDeadLetters(db: Db, ids: string[], job: ClaimingJob) {
  return db.$queryRawUnsafe<{ id: string; body: unknown }[]>(CLAIM_SQL, ids, job.id, REPLAY_CLAIM_TTL_SECONDS);
}

/** $1 letter ids, $2 the replay job. */
const MARK_REPLAYED_SQL = `
    WITH marked AS (
      UPDATE dead_letters SET status = 'replayed', replayed_at = now(), replay_count = replay_count + 1, replay_claimed_at = NULL
      WHERE id = ANY($1::uuid[]) AND replay_job_id = $2::uuid AND replay_claimed_at IS NOT NULL AND status = 'pending'
      RETURNING 1
    )
    SELECT eventline_count_stages(replayed => count(*)) FROM marked HAVING count(*) > 0`;

/** Marks the letters a job claimed and re-enqueued as replayed, and counts them in today's `replayed` stage, in one statement. */
export async function markReplayed(db: Db, ids: string[], jobId: string): Promise<void> {
  await db.$executeRawUnsafe(MARK_REPLAYED_SQL, ids, jobId);
}

/** Gives back a job's claims on letters it did not re-enqueue (the queue refused them): they stay pending for a new replay. */
export async function releaseClaims(db: Db, ids: string[], jobId: string): Promise<number> {
  const r = await db.deadLetter.updateMany({ where: { id: { in: ids }, replayJobId: jobId }, data: { replayClaimedAt: null } });
  return r.count;
}

/**
 * Marks the letters of `where` that no live replay holds discarded, with a
 * reason (they stay for audit until the retention purge), in one UPDATE whose
 * conditions a racing claim's row lock makes PostgreSQL check again; answers
 * the ids it changed.
 */
export async function discardDeadLetters(db: Db, where: Where, reason: string): Promise<string[]> {
  const rows = await db.deadLetter.updateManyAndReturn({
    where: { AND: [where ?? {}, unclaimed()] },
    data: { status: "discarded", discardedAt: new Date(), discardReason: reason },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** What became of letters an action did not change: replayed, discarded, held by a replay ("replaying"), or not found. */
export async function letterStates(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db.deadLetter.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
  // Pending here means a replay held it when the action ran (and may have let it go since).
  const byId = new Map(rows.map((r) => [r.id, r.status === "pending" ? ("replaying" as const) : r.status]));
  return ids.map((id) => ({ id, status: byId.get(id) ?? ("not_found" as const) }));
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
