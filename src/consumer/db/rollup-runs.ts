/** The rollup_runs journal: one row per rollup invocation. */
import { sliceText, toStorableText } from "../../shared/events/storable.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
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
  /** Keys recomputed from events (backfills; a run applies deltas instead). */
  keysDone?: number;
  /** daily_rollups rows written. */
  rows: number;
  /** Delta rows applied (rollup runs; backfills apply none). */
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
  progress: { keysDone?: number; rows: number; deltas?: number; startedAt: number },
  err: unknown,
): Promise<void> {
  await finishRollupRun(db, id, {
    status: "failed",
    keysDone: progress.keysDone,
    rows: progress.rows,
    deltas: progress.deltas,
    remaining: null,
    error: sliceText(toStorableText(err instanceof Error ? err.message : String(err)), 2000),
    durationMs: Date.now() - progress.startedAt,
  }).catch((journalErr: unknown) =>
    // The run's own error is thrown on by the caller; this one would otherwise leave the run "running" unexplained.
    log("error", "rollup.journal_failed", { runId: id, ...errorFields(journalErr) }),
  );
}
