/**
 * What the Cron Trigger does: apply the rollup deltas the consumers wrote
 * since the last run, keep the rollups users define current, purge dead
 * letters past their retention, fold old hours of the lag histogram, and
 * keep the events' life cycle (partitions ahead, retention, the dedupe
 * ledger's generations).
 */

import { errorFields, log } from "../../shared/lib/log.ts";
import { DAY_MS } from "../../shared/lib/time.ts";
import { type ConsumerEnv, deadLetterRetentionDays, eventLifecycleConfig } from "../consumer-env.ts";
import { withDatabase } from "../db/client.ts";
import { compactIngestLag } from "../db/compact-ingest-lag.ts";
import { purgeDeadLetters } from "../db/dead-letters.ts";
import { dropExpiredTables } from "../db/drop-expired-tables.ts";
import { maintainEvents } from "../db/maintain-events.ts";
import { refreshDefinitions } from "../rollups/refresh-definitions.ts";
import { type RollupRunReport, runRollup } from "../rollups/run-rollup.ts";

/**
 * A scheduled run stops starting new chunks after this long; the rest stays
 * pending for the next run. Far inside a Cron Trigger's wall-clock limit, and the
 * work is I/O wait, not CPU.
 */
export const SCHEDULED_BUDGET_MS = 60_000;

/** A step of a user-defined rollup (a backfill chunk, a run) is stopped after this long: far below Hyperdrive's 60 s, far above the 1 s a backfill chunk aims at. */
export const DEFINITION_STEP_TIMEOUT_MS = 30_000;

export async function runCronJobs(
  controller: Pick<ScheduledController, "scheduledTime" | "cron">,
  env: ConsumerEnv,
  ctx: Pick<ExecutionContext, "waitUntil">,
): Promise<RollupRunReport> {
  return withDatabase(env, ctx, async (database) => {
    const db = database.prisma;
    // Each job runs whatever became of the other: a failed rollup must not keep expired letters, nor the reverse.
    const [rollup, definitions, purge, lag, lifecycle] = await Promise.allSettled([
      runRollup(db, { kind: "scheduled", budgetMs: SCHEDULED_BUDGET_MS }),
      refreshDefinitions(database, { budgetMs: SCHEDULED_BUDGET_MS, statementTimeoutMs: DEFINITION_STEP_TIMEOUT_MS }),
      (async () => {
        const before = new Date(controller.scheduledTime - deadLetterRetentionDays(env) * DAY_MS);
        const purged = await purgeDeadLetters(db, before);
        if (purged > 0) log("info", "dead_letters.purged", { purged, before: before.toISOString() });
      })(),
      compactIngestLag(db),
      (async () => {
        const report = await maintainEvents(db, new Date(controller.scheduledTime), eventLifecycleConfig(env));
        if (report.created + report.dropped > 0 || report.replanned) log("info", "events.maintained", { ...report });
        const dropped = await dropExpiredTables(db);
        if (dropped.length > 0) log("info", "events.expired_tables_dropped", { tables: dropped });
      })(),
    ]);
    if (definitions.status === "rejected") log("error", "rollups.definitions_failed", errorFields(definitions.reason));
    if (purge.status === "rejected") log("error", "dead_letters.purge_failed", errorFields(purge.reason));
    if (lag.status === "rejected") log("error", "ingest_lag.compact_failed", errorFields(lag.reason));
    if (lifecycle.status === "rejected") log("error", "events.maintenance_failed", errorFields(lifecycle.reason));
    if (rollup.status === "rejected") throw rollup.reason;
    if (definitions.status === "rejected") throw definitions.reason;
    if (purge.status === "rejected") throw purge.reason;
    if (lag.status === "rejected") throw lag.reason;
    if (lifecycle.status === "rejected") throw lifecycle.reason;
    return rollup.value;
  });
}
