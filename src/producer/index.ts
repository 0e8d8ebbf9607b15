/**
 * The producer Worker: the public ingest endpoint. Authenticates, validates
 * and enqueues; holds no database URL and no admin secret (wrangler.toml, top
 * level). Its whole HTTP surface is composed here.
 */
import { Hono } from "hono";
import { logLevel } from "../shared/config/log-level.ts";
import { notFound } from "../shared/http/not-found.ts";
import { renderError } from "../shared/http/render-error.ts";
import { setLogLevel } from "../shared/lib/log.ts";
import { ingestOpenApi } from "./ingest/ingest-api.ts";
import { ingestRoutes } from "./ingest/ingest-routes.ts";
import type { ProducerEnv } from "./producer-env.ts";

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
