/**
 * A backfill run, journaled in rollup_runs: recompute a day range window by
 * window until done or the time budget is spent. The report's `nextFrom` is
 * where the next call resumes (null when the range is complete).
 */

import { ApiError } from "../../shared/errors/api-error.ts";
import { firstCompleteDay } from "../../shared/events/retention.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
import { DAY_MS } from "../../shared/lib/time.ts";
import type { Db } from "../db/client.ts";
import { readExpiredBefore } from "../db/read-event-lifecycle.ts";
import { recomputeRange } from "../db/recompute-range.ts";
import { failRollupRun, finishRollupRun, startRollupRun } from "../db/rollup-runs.ts";
import { utcDayText } from "../db/timestamptz-text.ts";
import { BACKFILL_WINDOW_POLICY, type BackfillRequest, backfillBounds, nextWindowDays, windowFrom } from "./backfill-range.ts";

export interface BackfillOptions {
  from: Date;
  to: Date;
  source?: string;
  type?: string;
  budgetMs: number;
  /** First window's length in days; later windows are sized by how long the last one took. */
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

/**
 * A backfill of what an operator asked for (admin API, console), within a time
 * budget. Refused (409 events_expired) when the range starts on a day whose
 * events retention has dropped: recomputing it would zero rollups that are now
 * the only record of those days.
 */
export async function runBackfillRequest(db: Db, r: BackfillRequest, budgetMs: number): Promise<BackfillReport> {
  const bounds = backfillBounds(r);
  const first = firstCompleteDay(await readExpiredBefore(db));
  if (first !== null && bounds.from < first) {
    const day = utcDayText(first);
    throw new ApiError(
      409,
      "events_expired",
      `events before ${day} have expired (EVENT_RETENTION_DAYS): their rollups are kept as they are; backfill from ${day} on`,
      { details: { path: "from", firstCompleteDay: day } },
    );
  }
  return runBackfill(db, { ...bounds, source: r.source, type: r.type, budgetMs });
}

export async function runBackfill(db: Db, o: BackfillOptions): Promise<BackfillReport> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const run = await startRollupRun(db, {
    kind: "backfill",
    fromDay: o.from,
    toDay: new Date(o.to.getTime() - DAY_MS),
    source: o.source,
    type: o.type,
  });
  let next = o.from;
  let windowDays = o.daysPerChunk ?? BACKFILL_WINDOW_POLICY.firstDays;
  let windows = 0;
  let keys = 0;
  let rows = 0;
  try {
    while (next < o.to) {
      if (windows > 0 && Date.now() >= deadline) break;
      const w = windowFrom(next, windowDays, o.to);
      const t0 = Date.now();
      const r = await recomputeRange(db, { ...w, source: o.source, type: o.type });
      windowDays = nextWindowDays(windowDays, Date.now() - t0);
      keys += r.keys;
      rows += r.rows;
      windows++;
      next = w.to;
    }
    const complete = next >= o.to;
    const days = Math.round((o.to.getTime() - o.from.getTime()) / DAY_MS);
    const daysDone = Math.round((next.getTime() - o.from.getTime()) / DAY_MS);
    await finishRollupRun(db, run.id, {
      status: "succeeded",
      keysDone: keys,
      rows,
      remaining: days - daysDone,
      durationMs: Date.now() - started,
    });
    log("info", "rollup.backfill", { runId: run.id, days, daysDone, windows, keys, rows, ms: Date.now() - started });
    return { runId: run.id, days, daysDone, keysDone: keys, rows, nextFrom: complete ? null : next.toISOString().slice(0, 10), complete };
  } catch (err) {
    log("error", "rollup.backfill_failed", { runId: run.id, ...errorFields(err) });
    await failRollupRun(db, run.id, { keysDone: keys, rows, startedAt: started }, err);
    throw err;
  }
}
