/**
 * One rollup run, journaled in rollup_runs: optionally mark a backfill range
 * dirty, then recompute dirty keys chunk by chunk within the time budget.
 */
import type { Db } from "../db/client.ts";
import { countDirtyKeys } from "../db/count-dirty-keys.ts";
import { markRangeDirty, type BackfillFilter } from "../db/mark-range-dirty.ts";
import { rollupDirtyChunk } from "../db/rollup-dirty-chunk.ts";
import { finishRollupRun, startRollupRun } from "../db/rollup-runs.ts";
import { errorFields, log } from "../lib/log.ts";
import { rollupLoop } from "./rollup-loop.ts";

export const ROLLUP_CHUNK_KEYS = 200;

export interface RollupRunOptions {
  kind: "scheduled" | "backfill";
  budgetMs: number;
  backfill?: BackfillFilter;
  chunkKeys?: number;
  /** Test seam: the chunk step, to inject a failure at chunk k. */
  step?: (db: Db, limit: number) => Promise<{ keys: number; rows: number }>;
}

export interface RollupRunReport {
  runId: string;
  keysMarked: number;
  keysDone: number;
  rows: number;
  remaining: number;
  complete: boolean;
}

export async function runRollup(db: Db, opts: RollupRunOptions): Promise<RollupRunReport> {
  const started = Date.now();
  const b = opts.backfill;
  const run = await startRollupRun(db, { kind: opts.kind, fromDay: b?.from, toDay: b ? new Date(b.to.getTime() - 86_400_000) : undefined, source: b?.source, type: b?.type });
  let keysMarked = 0;
  let done = { keys: 0, rows: 0 };
  try {
    if (b) keysMarked = await markRangeDirty(db, b);
    const step = opts.step ?? rollupDirtyChunk;
    const chunkKeys = opts.chunkKeys ?? ROLLUP_CHUNK_KEYS;
    const loop = await rollupLoop(() => step(db, chunkKeys), {
      budgetMs: opts.budgetMs,
      chunkKeys,
      onChunk: (r) => (done = r),
    });
    const remaining = await countDirtyKeys(db);
    await finishRollupRun(db, run.id, { status: "succeeded", keysMarked, keysDone: loop.keys, rows: loop.rows, remaining, durationMs: Date.now() - started });
    log("info", "rollup.run", { runId: run.id, kind: opts.kind, keysMarked, keysDone: loop.keys, rows: loop.rows, remaining, ms: Date.now() - started });
    return { runId: run.id, keysMarked, keysDone: loop.keys, rows: loop.rows, remaining, complete: loop.complete };
  } catch (err) {
    log("error", "rollup.failed", { runId: run.id, kind: opts.kind, keysDone: done.keys, ...errorFields(err) });
    await finishRollupRun(db, run.id, {
      status: "failed",
      keysMarked,
      keysDone: done.keys,
      rows: done.rows,
      remaining: null,
      error: err instanceof Error ? err.message.slice(0, 2000) : String(err),
      durationMs: Date.now() - started,
    }).catch(() => {});
    throw err;
  }
}
