/**
 * What the cron does for rollups that users define, within a time budget:
 * first one step for every definition (a run over the events written since
 * its last, or a chunk of its backfill), so that a long backfill never keeps
 * the others from being current; then, with what is left of the budget, more
 * backfill chunks; then the cells of deleted or replaced versions, chunk by
 * chunk. What the budget leaves is done by the next cron run.
 */

import { errorFields, log } from "../../shared/lib/log.ts";
import type { Database } from "../db/client.ts";
import { definitionNames } from "../db/rollup-definitions/definition-names.ts";
import { purgeRetiredCells } from "../db/rollup-definitions/purge-retired-cells.ts";
import { type RefreshStep, recordStepFailure, refreshDefinition } from "../db/rollup-definitions/refresh-definition.ts";
import { BACKFILL_WINDOW_POLICY, nextWindowDays } from "./backfill-range.ts";

/** Retired cells deleted per statement and table. */
export const PURGE_CHUNK_ROWS = 10_000;

export interface DefinitionsReport {
  definitions: number;
  events: number;
  backfilling: string[];
  /** Definitions whose step failed this run (logged each). */
  failed: string[];
  purged: number;
}

export async function refreshDefinitions(
  database: Pick<Database, "connect" | "prisma">,
  opts: { budgetMs: number; statementTimeoutMs: number; now?: () => number },
): Promise<DefinitionsReport> {
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.budgetMs;
  const report: DefinitionsReport = { definitions: 0, events: 0, backfilling: [], failed: [], purged: 0 };
  /** Each backfilling definition's next chunk length, sized from how long its last one took. */
  const chunkDays = new Map<string, number>();
  const step = async (name: string): Promise<RefreshStep> => {
    const days = chunkDays.get(name) ?? BACKFILL_WINDOW_POLICY.firstDays;
    const started = now();
    const client = await database.connect();
    const s = await refreshDefinition(client, name, { backfillDays: days, timeoutMs: opts.statementTimeoutMs }).finally(() =>
      client.release(),
    );
    report.events += s.events;
    if (s.phase === "backfill" && !s.current) chunkDays.set(name, nextWindowDays(days, now() - started));
    else chunkDays.delete(name);
    return s;
  };
  /**
   * A step, and when it was the backfill's last chunk, the run that makes the definition current.
   * A definition whose step fails (its statement past the deadline, a zone the database does not
   * know) is logged and left for the next cron run; the others go on.
   */
  const advance = async (name: string) => {
    try {
      const s = await step(name);
      if (s.phase === "backfill" && s.current && now() < deadline) await step(name);
    } catch (err) {
      chunkDays.delete(name);
      report.failed.push(name);
      log("error", "rollups.definition_failed", { name, ...errorFields(err) });
      const message = err instanceof Error ? err.message : String(err);
      await database
        .connect()
        .then((client) => recordStepFailure(client, name, message).finally(() => client.release()))
        .catch(() => {}); // the database may be what failed (connecting too): the log line stands
    }
  };
  for (const name of await definitionNames(database.prisma)) {
    if (now() >= deadline) break;
    report.definitions++;
    await advance(name);
  }
  while (chunkDays.size > 0 && now() < deadline) {
    for (const name of [...chunkDays.keys()]) if (now() < deadline) await advance(name);
  }
  report.backfilling = [...chunkDays.keys()];
  while (now() < deadline) {
    const r = await purgeRetiredCells(database.prisma, PURGE_CHUNK_ROWS);
    report.purged += r.deleted;
    if (r.versions === 0) break;
  }
  if (report.definitions > 0 || report.purged > 0) log("info", "rollups.definitions_refreshed", { ...report });
  return report;
}
