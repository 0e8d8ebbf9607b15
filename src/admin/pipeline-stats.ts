/**
 * GET /admin/stats, the console's overview and `ops stats`: the stage
 * counters and what waits for an operator (db/read-stats.ts), plus the
 * ingest → row lag of the last hour as quantiles estimated from its histogram.
 */
import type { RawSql } from "../db/client.ts";
import { readIngestLag } from "../db/read-ingest-lag.ts";
import { readStats } from "../db/read-stats.ts";
import { HOUR_MS } from "../lib/time.ts";
import { lagQuantile } from "../metrics/lag-buckets.ts";

export async function pipelineStats(db: RawSql, now = new Date()) {
  // The histogram is kept per clock hour: the previous full hour and the current one (60–120 minutes).
  const since = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS);
  const [stats, lag] = await Promise.all([readStats(db), readIngestLag(db, since)]);
  return {
    ...stats,
    ingestLagLastHour: {
      since: since.toISOString(),
      events: lag.counts.reduce((a, b) => a + b, 0),
      p50Seconds: lagQuantile(lag.counts, 0.5),
      p99Seconds: lagQuantile(lag.counts, 0.99),
    },
  };
}
