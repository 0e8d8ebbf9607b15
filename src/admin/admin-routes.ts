/** The admin API (ADMIN_TOKEN): operators' endpoints. */
import { Hono } from "hono";
import { backfillBounds, backfillRequestSchema } from "../cron/backfill-range.ts";
import { runRollup } from "../cron/run-rollup.ts";
import { createDb } from "../db/client.ts";
import { dbConfig, type Env } from "../env.ts";
import { validate } from "../http/validate.ts";
import { adminAuth } from "./admin-auth.ts";

/** An admin request stops starting rollup chunks after this long; the CLI calls again to continue. */
export const ADMIN_ROLLUP_BUDGET_MS = 20_000;

export const adminRoutes = new Hono<{ Bindings: Env }>();
adminRoutes.use("*", adminAuth);

/** Marks the range dirty and recomputes as much as fits in the budget. Repeat POST /admin/rollups/run until remaining is 0. */
adminRoutes.post("/rollups/backfill", validate("json", backfillRequestSchema), async (c) => {
  const r = c.req.valid("json");
  const report = await runRollup(createDb(dbConfig(c.env).databaseUrl), {
    kind: "backfill",
    budgetMs: ADMIN_ROLLUP_BUDGET_MS,
    backfill: { ...backfillBounds(r), source: r.source, type: r.type },
  });
  return c.json(report);
});

/** Recomputes dirty keys within the budget (what the cron does), for progress-driven backfills. */
adminRoutes.post("/rollups/run", async (c) => {
  const report = await runRollup(createDb(dbConfig(c.env).databaseUrl), { kind: "backfill", budgetMs: ADMIN_ROLLUP_BUDGET_MS });
  return c.json(report);
});
