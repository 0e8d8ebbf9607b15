/**
 * Environment for every child tool: nothing may try to reach the internet,
 * and wrangler's bundler resolves the workspace packages to their sources
 * (packages/protocol/README.md) before its default conditions.
 */
export const OFFLINE_ENV = {
  WRANGLER_BUILD_CONDITIONS: "eventline-source,workerd,worker,browser",
  WRANGLER_SEND_METRICS: "false",
  CHECKPOINT_DISABLE: "1",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  NO_UPDATE_NOTIFIER: "1",
} as const;
