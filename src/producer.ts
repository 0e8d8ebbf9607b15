/**
 * The producer Worker: the public ingest endpoint. Authenticates, validates
 * and enqueues; holds no database URL and no admin secret (wrangler.toml, top
 * level). Its whole HTTP surface is composed here.
 */
import { Hono } from "hono";
import { logLevel } from "./config/log-level.ts";
import type { ProducerEnv } from "./config/producer-env.ts";
import { notFound } from "./http/not-found.ts";
import { renderError } from "./http/render-error.ts";
import { ingestOpenApi } from "./ingest/ingest-api.ts";
import { ingestRoutes } from "./ingest/ingest-routes.ts";
import { setLogLevel } from "./lib/log.ts";

export const producerApp = new Hono<{ Bindings: ProducerEnv }>()
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/openapi.json", (c) => c.json(ingestOpenApi()))
  .route("/", ingestRoutes)
  .notFound(notFound)
  .onError(renderError);

export default {
  fetch(request, env, ctx) {
    setLogLevel(logLevel(env));
    return producerApp.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<ProducerEnv>;
