/** The admin API (ADMIN_TOKEN): what operators use to answer "did my event land?", "what failed?", and fix it. */
import { Hono } from "hono";
import * as z from "zod/mini";
import { eventExpiredError, notFoundError } from "../../shared/errors/api-error.ts";
import { eventId, sourceName } from "../../shared/events/fields.ts";
import { operatorBodyLimit } from "../../shared/http/operator-body-limit.ts";
import { validate } from "../../shared/http/validate.ts";
import { adminAuth } from "../auth/admin-auth.ts";
import { type ConsumerEnv, eventLifecycleConfig } from "../consumer-env.ts";
import { getEvent } from "../db/get-event.ts";
import { requestDb } from "../db/request-database.ts";
import { backfillRequestSchema } from "../rollups/backfill-range.ts";
import { definitionRoutes } from "../rollups/definition-routes.ts";
import { runBackfillRequest } from "../rollups/run-backfill.ts";
import { runRollup } from "../rollups/run-rollup.ts";
import { discardRequestSchema, replayRequestSchema, toSelection } from "./dead-letter-filter.ts";
import {
  continueReplayJob,
  deadLetterListQuery,
  discardLetters,
  findDeadLetter,
  findReplayJob,
  listDeadLetterPage,
  previewReplay,
  startReplay,
} from "./dead-letter-operations.ts";
import { pipelineStats } from "./pipeline-stats.ts";

/** An admin request stops starting new chunks (rollup, replay) after this long; the CLI calls again to continue. */
export const ADMIN_BUDGET_MS = 20_000;

export const adminRoutes = new Hono<{ Bindings: ConsumerEnv }>();
adminRoutes.use("*", operatorBodyLimit);
adminRoutes.use("*", adminAuth);

/** GET /admin/events/{source}/{id}'s path. */
export const eventPathParams = z.object({ source: sourceName, id: eventId });

adminRoutes.get("/events/:source/:id", validate("param", eventPathParams), async (c) => {
  const { source, id } = c.req.valid("param");
  const { event, expired } = await getEvent(requestDb(c), source, id);
  if (expired) throw eventExpiredError(source, id);
  if (!event) throw notFoundError(`event ${source}/${id}`);
  return c.json(event);
});

adminRoutes.get("/dead-letters", validate("query", deadLetterListQuery), async (c) =>
  c.json(await listDeadLetterPage(requestDb(c), c.req.valid("query"))),
);

adminRoutes.get("/dead-letters/:id", async (c) => c.json(await findDeadLetter(requestDb(c), c.req.param("id"))));

adminRoutes.post("/dead-letters/replay", validate("json", replayRequestSchema), async (c) => {
  const body = c.req.valid("json");
  const selection = toSelection(body);
  if (body.dryRun) return c.json(await previewReplay(requestDb(c), selection));
  return c.json(await startReplay(requestDb(c), c.env.EVENTS_QUEUE, selection, ADMIN_BUDGET_MS), 202);
});

adminRoutes.get("/replay-jobs/:id", async (c) => c.json(await findReplayJob(requestDb(c), c.req.param("id"))));

adminRoutes.post("/replay-jobs/:id/continue", async (c) =>
  c.json(await continueReplayJob(requestDb(c), c.env.EVENTS_QUEUE, c.req.param("id"), ADMIN_BUDGET_MS)),
);

adminRoutes.post("/dead-letters/discard", validate("json", discardRequestSchema), async (c) => {
  const body = c.req.valid("json");
  return c.json(await discardLetters(requestDb(c), toSelection(body), body.reason));
});

adminRoutes.get("/stats", async (c) => c.json(await pipelineStats(requestDb(c), eventLifecycleConfig(c.env))));

/** Recomputes the range window by window within the budget; when `complete` is false, call again with from = nextFrom. */
adminRoutes.post("/rollups/backfill", validate("json", backfillRequestSchema), async (c) => {
  const r = c.req.valid("json");
  return c.json(await runBackfillRequest(requestDb(c), r, ADMIN_BUDGET_MS));
});

/** Applies the pending rollup deltas now (what the cron does), within the budget. */
adminRoutes.post("/rollups/run", async (c) => c.json(await runRollup(requestDb(c), { kind: "manual", budgetMs: ADMIN_BUDGET_MS })));

/** Rollups that users define: /admin/rollups and /admin/rollups/{name}[/data]. */
adminRoutes.route("/rollups", definitionRoutes);
