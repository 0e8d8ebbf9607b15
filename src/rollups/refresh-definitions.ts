/**
 * What the cron does for rollups that users define: each definition's
 * backfill chunk by chunk, then a run over the events written since its
 * last, within a time budget; then the cells of deleted or replaced versions,
 * chunk by chunk. What the budget leaves is done by the next cron run.
 */
import type { Database } from "../db/client.ts";
import { definitionNames } from "../db/rollup-definitions/definition-names.ts";
import { purgeRetiredCells } from "../db/rollup-definitions/purge-retired-cells.ts";
import { refreshDefinition } from "../db/rollup-definitions/refresh-definition.ts";
import { log } from "../lib/log.ts";
import { BACKFILL_WINDOW_POLICY, nextWindowDays } from "./backfill-range.ts";

/** Retired cells deleted per statement and table. */
export const PURGE_CHUNK_ROWS = 10_000;

export interface DefinitionsReport {
  definitions: number;
  events: number;
  backfilling: string[];
  purged: number;
}

export async function refreshDefinitions(
  database: Pick<Database, "connect" | "prisma">,
  opts: { budgetMs: number; statementTimeoutMs: number; now?: () => number },
): Promise<DefinitionsReport> {
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.budgetMs;
  const report: DefinitionsReport = { definitions: 0, events: 0, backfilling: [], purged: 0 };
  for (const name of await definitionNames(database.prisma)) {
    let days: number = BACKFILL_WINDOW_POLICY.firstDays;
    let backfilling = false;
    while (now() < deadline) {
      const started = now();
      const client = await database.connect();
      const step = await refreshDefinition(client, name, { backfillDays: days, timeoutMs: opts.statementTimeoutMs }).finally(() =>
        client.release(),
      );
      report.events += step.events;
      backfilling = step.phase === "backfill" && !step.current;
      if (step.phase !== "backfill") break;
      days = nextWindowDays(days, now() - started);
    }
    report.definitions++;
    if (backfilling) report.backfilling.push(name);
  }
  while (now() < deadline) {
    const r = await purgeRetiredCells(database.prisma, PURGE_CHUNK_ROWS);
    report.purged += r.deleted;
    if (r.versions === 0) break;
  }
  if (report.definitions > 0 || report.purged > 0) log("info", "rollups.definitions_refreshed", { ...report });
  return report;
}
