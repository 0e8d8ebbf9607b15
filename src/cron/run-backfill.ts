/**
 * A backfill run, journaled in rollup_runs: recompute a day range window by
 * window until done or the time budget is spent. The report's `nextFrom` is
 * where the next call resumes (null when the range is complete).
 */
import type { Db } from "../db/client.ts";
import { recomputeRange } from "../db/recompute-range.ts";
import { failRollupRun, finishRollupRun, startRollupRun } from "../db/rollup-runs.ts";
import { errorFields, log } from "../lib/log.ts";
import { splitDays } from "./backfill-range.ts";

/** Days per statement: 1M events over 90 days took ~30 ms per week on PostgreSQL here (bench/rollup). */
export const BACKFILL_DAYS_PER_CHUNK = 7;

export interface BackfillOptions {
  from: Date;
  to: Date;
  source?: string;
  type?: string;
  budgetMs: number;
  daysPerChunk?: number;
}

export interface BackfillReport {
  runId: string;
  days: number;
  daysDone: number;
  keysDone: number;
  rows: number;
  /** First day (YYYY-MM-DD) still to do, or null when the whole range is done. */
  nextFrom: string | null;
  complete: boolean;
}

export async function runBackfill(db: Db, o: BackfillOptions): Promise<BackfillReport> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const windows = splitDays(o, o.daysPerChunk ?? BACKFILL_DAYS_PER_CHUNK);
  const run = await startRollupRun(db, { kind: "backfill", fromDay: o.from, toDay: new Date(o.to.getTime() - 86_400_000), source: o.source, type: o.type });
  let done = 0;
  let keys = 0;
  let rows = 0;
  try {
    for (const w of windows) {
      if (done > 0 && Date.now() >= deadline) break;
      const r = await recomputeRange(db, { ...w, source: o.source, type: o.type });
      keys += r.keys;
      rows += r.rows;
      done++;
    }
    const next = windows[done];
    const days = Math.round((o.to.getTime() - o.from.getTime()) / 86_400_000);
    const daysDone = next ? Math.round((next.from.getTime() - o.from.getTime()) / 86_400_000) : days;
    await finishRollupRun(db, run.id, { status: "succeeded", keysDone: keys, rows, remaining: days - daysDone, durationMs: Date.now() - started });
    log("info", "rollup.backfill", { runId: run.id, days, daysDone, keys, rows, ms: Date.now() - started });
    return { runId: run.id, days, daysDone, keysDone: keys, rows, nextFrom: next ? next.from.toISOString().slice(0, 10) : null, complete: !next };
  } catch (err) {
    log("error", "rollup.backfill_failed", { runId: run.id, ...errorFields(err) });
    await failRollupRun(db, run.id, { keysDone: keys, rows, startedAt: started }, err);
    throw err;
  }
}
