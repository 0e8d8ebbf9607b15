/** The replay_jobs table, one database operation per function. */
import type { Db } from "./client.ts";

export function createReplayJob(db: Db, selection: object, total: number) {
  return db.replayJob.create({ data: { selection, total } });
}

export function getReplayJob(db: Db, id: string) {
  return db.replayJob.findUnique({ where: { id } });
}

export function recordReplayProgress(db: Db, id: string, p: { enqueued: number; skipped: number; done: boolean; error?: string }) {
  return db.replayJob.update({
    where: { id },
    data: {
      enqueued: { increment: p.enqueued },
      skipped: { increment: p.skipped },
      ...(p.done ? { status: "succeeded", finishedAt: new Date() } : {}),
      ...(p.error ? { status: "failed", error: p.error, finishedAt: new Date() } : {}),
    },
  });
}
