/**
 * Drives the rollup in chunks until nothing is dirty or the time budget is
 * spent. Each chunk is one short statement (well under Accelerate's 10 s
 * query timeout); what is left when the budget runs out stays dirty and the
 * next run resumes there. Pure: the chunk step and the clock are passed in.
 */
export interface LoopResult {
  chunks: number;
  keys: number;
  rows: number;
  /** True when the last chunk found nothing left to do. */
  complete: boolean;
}

export async function rollupLoop(
  step: () => Promise<{ keys: number; rows: number }>,
  opts: { budgetMs: number; chunkKeys?: number; now?: () => number; onChunk?: (r: LoopResult) => void },
): Promise<LoopResult> {
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.budgetMs;
  const result: LoopResult = { chunks: 0, keys: 0, rows: 0, complete: false };
  while (now() < deadline) {
    const r = await step();
    if (r.keys === 0) {
      result.complete = true;
      break;
    }
    result.chunks++;
    result.keys += r.keys;
    result.rows += r.rows;
    opts.onChunk?.(result);
    // A short chunk means the queue of dirty keys ran dry: no need for a round trip to learn it.
    if (opts.chunkKeys !== undefined && r.keys < opts.chunkKeys) {
      result.complete = true;
      break;
    }
  }
  return result;
}
