/**
 * The producer as bench/ingest runs it: the production entry, plus the
 * baseline routes under /__bench/ (bench-routes.ts). Only the benchmark's
 * edited wrangler config points `main` here.
 */
import worker from "../../src/producer.ts";
import { benchRoutes } from "./bench-routes.ts";

export default {
  ...worker,
  fetch(request, env, ctx) {
    return new URL(request.url).pathname.startsWith("/__bench/") ? benchRoutes.fetch(request, env, ctx) : worker.fetch(request, env, ctx);
  },
} satisfies typeof worker;
