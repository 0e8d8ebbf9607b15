/**
 * One rollup run, journaled in rollup_runs: apply the pending deltas chunk by
 * chunk within the time budget (what the cron does).
 */

import { errorFields, log } from "../../shared/lib/log.ts";
import { applyRollupDeltas, type DeltaChunkResult } from "../db/apply-rollup-deltas.ts";
import type { Db } from "../db/client.ts";
import { countPendingDeltas } from "../db/count-pending-deltas.ts";
import { failRollupRun, finishRollupRun, startRollupRun } from "../db/rollup-runs.ts";
import { type LoopResult, rollupLoop } from "./rollup-loop.ts";

/** Delta rows claimed per statement (a key has one per writing connection), so a chunk writes at most this many rollup rows. */
export const ROLLUP_CHUNK_DELTAS = 5_000;

export interface RollupRunOptions {
  kind: "scheduled" | "manual";
  budgetMs: number;
  chunkSize?: number;
  /** Test seam: the chunk step, to inject a failure at chunk k. */
  step?: (db: Db, limit: number) => Promise<DeltaChunkResult>;
}

export interface RollupRunReport {
  runId: string;
  /** Delta rows applied (and deleted). */
  deltas: number;
  /** Rollup rows inserted or updated. */
  rows: number;
  /** Rollup keys (day, source, type) still pending when the run ended (0 when it drained them). */
  remaining: number;
  complete: boolean;
}

export async function runRollup(db: Db, opts: RollupRunOptions): Promise<RollupRunReport> {
  const started = Date.now();
  const run = await startRollupRun(db, { kind: opts.kind });
  let done: Pick<LoopResult, "claimed" | "rows"> = { claimed: 0, rows: 0 };
  try {
    const step = opts.step ?? applyRollupDeltas;
    const chunkSize = opts.chunkSize ?? ROLLUP_CHUNK_DELTAS;
    const loop = await rollupLoop(() => step(db, chunkSize), { budgetMs: opts.budgetMs, chunkSize, onChunk: (r) => (done = r) });
    // Only an unfinished run needs the count; a drained one saves the round trip.
    const remaining = loop.complete ? 0 : await countPendingDeltas(db);
    const durationMs = Date.now() - started;
    await finishRollupRun(db, run.id, {
      status: "succeeded",
      rows: loop.rows,
      deltas: loop.claimed,
      remaining,
      durationMs,
    });
    log("info", "rollup.run", { runId: run.id, kind: opts.kind, deltas: loop.claimed, rows: loop.rows, remaining, ms: durationMs });
    return { runId: run.id, deltas: loop.claimed, rows: loop.rows, remaining, complete: loop.complete };
  } catch (err) {
    log("error", "rollup.failed", { runId: run.id, kind: opts.kind, deltas: done.claimed, ...errorFields(err) });
    await failRollupRun(db, run.id, { rows: done.rows, deltas: done.claimed, startedAt: started }, err);
    throw err;
  }
}
