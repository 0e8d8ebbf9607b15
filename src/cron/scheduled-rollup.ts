/** Cron Trigger glue: recompute whatever the consumers marked dirty since the last run. */
import { createDb } from "../db/client.ts";
import { dbConfig, type Env } from "../env.ts";
import { runRollup, type RollupRunReport } from "./run-rollup.ts";

/**
 * A scheduled run stops starting new chunks after this long; the rest stays
 * dirty for the next run. Far inside a Cron Trigger's wall-clock limit, and the
 * work is I/O wait, not CPU.
 */
export const SCHEDULED_BUDGET_MS = 60_000;

export async function runScheduledRollup(_controller: Pick<ScheduledController, "scheduledTime" | "cron">, env: Env): Promise<RollupRunReport> {
  return runRollup(createDb(dbConfig(env).databaseUrl), { kind: "scheduled", budgetMs: SCHEDULED_BUDGET_MS });
}
