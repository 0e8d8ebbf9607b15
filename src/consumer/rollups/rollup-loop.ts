/**
 * Drives a rollup run in chunks until no deltas are left or the time budget
 * is spent. Each chunk is one short statement (well under any statement
 * timeout); what is left when the budget runs out stays pending and the
 * next run resumes there. Pure: the chunk step and the clock are passed in.
 */

export interface LoopResult {
  chunks: number;
  claimed: number;
  rows: number;
  /** True when the last chunk found nothing left to do. */
  complete: boolean;
}

export async function rollupLoop(
  /** One chunk: the deltas it claimed and the rollup rows it wrote (db/apply-rollup-deltas.ts). */
  step: () => Promise<{ claimed: number; rows: number }>,
  opts: { budgetMs: number; chunkSize?: number; now?: () => number; onChunk?: (r: LoopResult) => void },
): Promise<LoopResult> {
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.budgetMs;
  const result: LoopResult = { chunks: 0, claimed: 0, rows: 0, complete: false };
  while (now() < deadline) {
    const r = await step();
    if (r.claimed === 0) {
      result.complete = true;
      break;
    }
    result.chunks++;
    result.claimed += r.claimed;
    result.rows += r.rows;
    opts.onChunk?.(result);
    // A short chunk means the pending deltas ran out: no need for a round trip to learn it.
    if (opts.chunkSize !== undefined && r.claimed < opts.chunkSize) {
      result.complete = true;
      break;
    }
  }
  return result;
}
