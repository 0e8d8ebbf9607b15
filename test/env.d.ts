// The bindings tests see through `cloudflare:workers`: the Worker's own, plus
// what vitest.config.ts adds for tests only.
declare namespace Cloudflare {
  interface Env extends import("../src/env.ts").Env {
    /** A pool URL whose endpoint accepts connections and never answers (test/support/hanging-endpoint.global.ts). */
    HANGING_POOL_URL: string;
  }
}
