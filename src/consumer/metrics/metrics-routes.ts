/** GET /metrics: OpenMetrics (or Prometheus text, by Accept) for a scraper, from one read of the database. */
import { Hono } from "hono";
import { metricsAuth } from "../auth/metrics-auth.ts";
import type { ConsumerEnv } from "../consumer-env.ts";
import { countPendingByCode } from "../db/count-pending-by-code.ts";
import { readEventLifecycle } from "../db/read-event-lifecycle.ts";
import { readIngestLag } from "../db/read-ingest-lag.ts";
import { readStats } from "../db/read-stats.ts";
import { requestDb } from "../db/request-database.ts";
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, renderMetrics, wantsOpenMetrics } from "./exposition.ts";
import { metricFamilies, PENDING_CODE_LABELS } from "./metric-families.ts";
import { queueBacklog } from "./queue-backlog.ts";

export const metricsRoutes = new Hono<{ Bindings: ConsumerEnv }>().get("/metrics", metricsAuth, async (c) => {
  const db = requestDb(c);
  const [stats, pendingByCode, lag, backlog, lifecycle] = await Promise.all([
    readStats(db),
    countPendingByCode(db, PENDING_CODE_LABELS),
    readIngestLag(db),
    queueBacklog(c.env.EVENTS_QUEUE),
    readEventLifecycle(db),
  ]);
  const families = metricFamilies({
    now: new Date(),
    stages: stats.stages,
    deadLetters: stats.deadLetters,
    pendingByCode,
    oldestPendingDeadLetter: stats.oldestPendingDeadLetter,
    pendingRollupKeys: stats.pendingRollupDeltas,
    lastRollupRun: stats.lastRollupRun,
    lag,
    queueBacklog: backlog,
    lifecycle,
  });
  const om = wantsOpenMetrics(c.req.header("accept"));
  return c.body(renderMetrics(families, om ? "openmetrics" : "prometheus"), 200, {
    "content-type": om ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
    "cache-control": "no-store",
  });
});
