/** Cron Trigger glue: recompute the rollup window for this run. */
import { createDb } from "../db/client.ts";
import { rollupDays } from "../db/rollup-days.ts";
import { dbConfig, type Env } from "../env.ts";
import { log } from "../lib/log.ts";
import { rollupWindow } from "./rollup-window.ts";

export async function runScheduledRollup(controller: Pick<ScheduledController, "scheduledTime" | "cron">, env: Env): Promise<{ rows: number }> {
  const started = Date.now();
  const window = rollupWindow(new Date(controller.scheduledTime));
  const db = createDb(dbConfig(env).databaseUrl);
  const rows = await rollupDays(db, window);
  log("info", "rollup.done", { cron: controller.cron, from: window.from.toISOString(), to: window.to.toISOString(), rows, ms: Date.now() - started });
  return { rows };
}
