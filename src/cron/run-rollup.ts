/**
 * One rollup run, journaled in rollup_runs: recompute the dirty keys chunk by
 * chunk within the time budget (what the cron does).
 */
import type { Db } from "../db/client.ts";
import { countDirtyKeys } from "../db/count-dirty-keys.ts";
import { rollupDirtyChunk } from "../db/rollup-dirty-chunk.ts";
import { failRollupRun, finishRollupRun, startRollupRun } from "../db/rollup-runs.ts";
import { errorFields, log } from "../lib/log.ts";
import { rollupLoop } from "./rollup-loop.ts";

export const ROLLUP_CHUNK_KEYS = 200;

export interface RollupRunOptions {
  kind: "scheduled" | "manual";
  budgetMs: number;
  chunkKeys?: number;
  /** Test seam: the chunk step, to inject a failure at chunk k. */
  step?: (db: Db, limit: number) => Promise<{ keys: number; rows: number }>;
}

export interface RollupRunReport {
  runId: string;
  keysDone: number;
  rows: number;
  remaining: number;
  complete: boolean;
}

export async function runRollup(db: Db, opts: RollupRunOptions): Promise<RollupRunReport> {
  const started = Date.now();
  const run = await startRollupRun(db, { kind: opts.kind });
  let done = { keys: 0, rows: 0 };
  try {
    const step = opts.step ?? rollupDirtyChunk;
    const chunkKeys = opts.chunkKeys ?? ROLLUP_CHUNK_KEYS;
    const loop = await rollupLoop(() => step(db, chunkKeys), {
      budgetMs: opts.budgetMs,
      chunkKeys,
      onChunk: (r) => (done = r),
    });
    const remaining = await countDirtyKeys(db);
    await finishRollupRun(db, run.id, { status: "succeeded", keysDone: loop.keys, rows: loop.rows, remaining, durationMs: Date.now() - started });
    log("info", "rollup.run", { runId: run.id, kind: opts.kind, keysDone: loop.keys, rows: loop.rows, remaining, ms: Date.now() - started });
    return { runId: run.id, keysDone: loop.keys, rows: loop.rows, remaining, complete: loop.complete };
  } catch (err) {
    log("error", "rollup.failed", { runId: run.id, kind: opts.kind, keysDone: done.keys, ...errorFields(err) });
    await failRollupRun(db, run.id, { keysDone: done.keys, rows: done.rows, startedAt: started }, err);
    throw err;
  }
}
