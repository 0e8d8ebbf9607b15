/**
 * The producer as bench/ingest runs it: the production entry, plus the
 * baseline routes under /__bench/ (bench-routes.ts). Only the benchmark's
 * edited wrangler config points `main` here.
 */
import worker from "../../src/producer/index.ts";
import { benchRoutes } from "./bench-routes.ts";

/** For the run without the rate limiter's simulator (its binding removed from the config): a limiter that always allows. */
const allowAll: RateLimit = { limit: async () => ({ success: true }) };

export default {
  ...worker,
  fetch(request, env, ctx) {
    const e = env.INGEST_RATE_LIMITER ? env : { ...env, INGEST_RATE_LIMITER: allowAll };
    return new URL(request.url).pathname.startsWith("/__bench/") ? benchRoutes.fetch(request, e, ctx) : worker.fetch(request, e, ctx);
  },
} satisfies typeof worker;
