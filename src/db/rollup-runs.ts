/** The rollup_runs journal: one row per rollup invocation. */
import type { Db } from "./client.ts";

export interface RunStart {
  kind: "scheduled" | "manual" | "backfill";
  fromDay?: Date;
  toDay?: Date;
  source?: string;
  type?: string;
}

export async function startRollupRun(db: Db, run: RunStart): Promise<{ id: string }> {
  return db.rollupRun.create({ data: run, select: { id: true } });
}

export interface RunEnd {
  status: "succeeded" | "failed";
  keysDone: number;
  rows: number;
  /** Deltas applied (rollup runs; backfills apply none). */
  deltas?: number;
  remaining: number | null;
  error?: string;
  durationMs: number;
}

export async function finishRollupRun(db: Db, id: string, end: RunEnd): Promise<void> {
  await db.rollupRun.update({ where: { id }, data: { ...end, finishedAt: new Date() } });
}

/** Journals a run that threw, with the progress it made; never masks the original error. */
export async function failRollupRun(
  db: Db,
  id: string,
  progress: { keysDone: number; rows: number; deltas?: number; startedAt: number },
  err: unknown,
): Promise<void> {
  await finishRollupRun(db, id, {
    status: "failed",
    keysDone: progress.keysDone,
    rows: progress.rows,
    deltas: progress.deltas,
    remaining: null,
    error: err instanceof Error ? err.message.slice(0, 2000) : String(err),
    durationMs: Date.now() - progress.startedAt,
  }).catch(() => {});
}
