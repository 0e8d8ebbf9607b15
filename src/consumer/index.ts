/**
 * The consumer Worker ([env.consumer] in wrangler.toml): the queue consumers
 * (events and dead letters), the Cron Trigger, and the database-backed HTTP
 * for operators and readers — the admin API, the operator console and
 * GET /v1/rollups — on its own
 * hostname. The only Worker that reaches the database (HYPERDRIVE).
 */
import { Hono } from "hono";
import { logLevel } from "../shared/config/log-level.ts";
import { notFound } from "../shared/http/not-found.ts";
import { renderError } from "../shared/http/render-error.ts";
import { setLogLevel } from "../shared/lib/log.ts";
import { adminRoutes } from "./admin/admin-routes.ts";
import { operationsOpenApi } from "./admin/operations-api.ts";
import { CONSOLE_ROOT } from "./console/console-paths.ts";
import { consoleRoutes } from "./console/console-routes.tsx";
import { type ConsumerEnv, deadLetterQueueName } from "./consumer-env.ts";
import { runCronJobs } from "./cron/cron-jobs.ts";
import { loadPrisma } from "./db/client.ts";
import { closeRequestDatabase } from "./db/request-database.ts";
import { metricsRoutes } from "./metrics/metrics-routes.ts";
import { handleDeadLetterBatch } from "./queues/dead-letter-consumer.ts";
import { handleEventBatch } from "./queues/events-consumer.ts";
import { rollupRoutes } from "./rollups/rollup-routes.ts";

export const consumerApp = new Hono<{ Bindings: ConsumerEnv }>()
  .use(closeRequestDatabase)
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/openapi.json", (c) => c.json(operationsOpenApi()))
  .route("/", rollupRoutes)
  .route("/", metricsRoutes)
  .route("/admin", adminRoutes)
  .route(CONSOLE_ROOT, consoleRoutes)
  .notFound(notFound)
  .onError(renderError);

export default {
  async fetch(request, env, ctx) {
    setLogLevel(logLevel(env));
    await loadPrisma(); // the queue handlers never need it (db/client.ts)
    return consumerApp.fetch(request, env, ctx);
  },
  async queue(batch, env, ctx) {
    setLogLevel(logLevel(env));
    if (batch.queue === deadLetterQueueName(env)) await handleDeadLetterBatch(batch, env, ctx);
    else await handleEventBatch(batch, env, ctx);
  },
  async scheduled(controller, env, ctx) {
    setLogLevel(logLevel(env));
    await loadPrisma();
    await runCronJobs(controller, env, ctx);
  },
} satisfies ExportedHandler<ConsumerEnv>;
