/**
 * Replays dead letters: claims a chunk (db/dead-letters.ts: of jobs racing
 * over the same letters, one gets each), re-enqueues their original events on
 * the main queue (packed per source, as the producer packs a request), then
 * marks them replayed. Enqueue happens before marking, so a crash between the
 * two can only re-enqueue after the claim expires, never lose: the event id
 * makes a second copy a duplicate.
 * Works in chunks until the time budget is spent; the job row records
 * progress and the next call continues where this one stopped.
 */

import { notFoundError } from "../../shared/errors/api-error.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
import { packEvents } from "../../shared/queue/pack-events.ts";
import { sendPackets } from "../../shared/queue/send-packets.ts";
import type { Db } from "../db/client.ts";
import {
  claimDeadLetters,
  markReceiptDayExpired,
  markReplayed,
  nextDeadLettersToReplay,
  releaseClaims,
  tagSkippedForJob,
} from "../db/dead-letters.ts";
import { readExpiredBefore } from "../db/read-event-lifecycle.ts";
import { getReplayJob, recordReplayProgress } from "../db/replay-jobs.ts";
import { pendingWhere, type Selection } from "./dead-letter-filter.ts";
import { toReplayMessages } from "./replay-selection.ts";

const LETTERS_PER_CHUNK = 100;

/**
 * A queue that refuses a chunk fails the job (status failed, with the error):
 * the letters not sent stay pending, so a new replay picks them up.
 */
export async function continueReplay(db: Db, queue: Queue<string>, jobId: string, budgetMs: number) {
  const deadline = Date.now() + budgetMs;
  let job = await getReplayJob(db, jobId);
  if (!job) throw notFoundError(`replay job ${jobId}`);
  if (job.status !== "running") return job;
  const where = pendingWhere(job.selection as Selection);
  const expiredBefore = await readExpiredBefore(db);
  while (Date.now() < deadline) {
    const candidates = await nextDeadLettersToReplay(db, where, job, LETTERS_PER_CHUNK);
    if (candidates.length === 0) {
      job = await recordReplayProgress(db, jobId, { enqueued: 0, skipped: 0, done: true });
      break;
    }
    // Another job may have claimed some since: the next round no longer sees those.
    const letters = await claimDeadLetters(
      db,
      candidates.map((l) => l.id),
      job,
    );
    if (letters.length === 0) continue;
    const { replayable, skipped } = toReplayMessages(letters, expiredBefore);
    // Re-packed per source, as the producer packs a request: the events keep their own receipt times.
    const now = new Date().toISOString();
    const bySource = Map.groupBy(replayable, (r) => r.message.source);
    const packets = [...bySource].flatMap(([source, items]) => packEvents(source, now, items));
    const { sent, error } = await sendPackets(queue, packets);
    const sentLetters = sent.flatMap((p) => p.items.map((r) => r.letterId));
    if (sentLetters.length) await markReplayed(db, sentLetters, jobId);
    if (error !== undefined) {
      log("error", "replay.failed", { jobId, ...errorFields(error) });
      const sentIds = new Set(sentLetters);
      await releaseClaims(
        db,
        replayable.map((r) => r.letterId).filter((id) => !sentIds.has(id)),
        jobId,
      );
      return recordReplayProgress(db, jobId, {
        enqueued: sentLetters.length,
        skipped: 0,
        done: false,
        error: `the queue refused a chunk: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    const expired = skipped.filter((s) => s.code === "receipt_day_expired");
    const invalid = skipped.filter((s) => s.code !== "receipt_day_expired");
    if (invalid.length)
      await tagSkippedForJob(
        db,
        invalid.map((s) => s.letterId),
        jobId,
      );
    if (expired.length)
      await markReceiptDayExpired(
        db,
        expired.map((s) => s.letterId),
        jobId,
        expired[0]!.reason,
      );
    job = await recordReplayProgress(db, jobId, { enqueued: replayable.length, skipped: skipped.length, done: false });
    log("info", "replay.chunk", { jobId, enqueued: replayable.length, skipped: skipped.length, expired: expired.length, total: job.total });
  }
  return job;
}
