/** Environment for every child tool: nothing may try to reach the internet. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CHECKPOINT_DISABLE: "1",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  NO_UPDATE_NOTIFIER: "1",
} as const;
