/**
 * GET /admin/stats, the console's overview and `ops stats`: the stage
 * counters and what waits for an operator (db/read-stats.ts), the ingest →
 * row lag of the last hour as quantiles estimated from its histogram, and the
 * events' life cycle (partitions kept, expiry, the dedupe window, the next drop).
 */

import { nextDropDay } from "../../shared/events/retention.ts";
import { lagQuantile } from "../../shared/lib/lag-buckets.ts";
import { DAY_MS, HOUR_MS } from "../../shared/lib/time.ts";
import type { EventLifecycleConfig } from "../consumer-env.ts";
import type { RawSql } from "../db/client.ts";
import { readEventLifecycle } from "../db/read-event-lifecycle.ts";
import { readIngestLag } from "../db/read-ingest-lag.ts";
import { readStats } from "../db/read-stats.ts";
import { utcDayText } from "../db/timestamptz-text.ts";

const dayText = (d: Date | null) => (d === null ? null : utcDayText(d));

export async function pipelineStats(db: RawSql, config: EventLifecycleConfig, now = new Date()) {
  // The histogram is kept per clock hour: the previous full hour and the current one (60–120 minutes).
  const since = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS);
  const [stats, lag, lifecycle] = await Promise.all([readStats(db), readIngestLag(db, since), readEventLifecycle(db)]);
  // events_history's last day is the day before its bound; it is the oldest partition while it is kept.
  const oldestKept = lifecycle.historyBefore ? new Date(lifecycle.historyBefore.getTime() - DAY_MS) : lifecycle.oldestDay;
  return {
    ...stats,
    ingestLagLastHour: {
      since: since.toISOString(),
      events: lag.counts.reduce((a, b) => a + b, 0),
      p50Seconds: lagQuantile(lag.counts, 0.5),
      p99Seconds: lagQuantile(lag.counts, 0.99),
    },
    eventLifecycle: {
      dayPartitions: lifecycle.dayPartitions,
      oldestDay: dayText(lifecycle.oldestDay),
      newestDay: dayText(lifecycle.newestDay),
      historyBefore: lifecycle.historyBefore?.toISOString() ?? null,
      expiredBefore: lifecycle.expiredBefore?.toISOString() ?? null,
      retentionDays: config.retentionDays,
      nextDropDay: dayText(nextDropDay(oldestKept, config.retentionDays)),
      dedupeWindowDays: config.dedupeWindowDays,
      dedupeGenerations: lifecycle.generations.map((g) => ({ ...g, firstDay: utcDayText(g.firstDay) })),
      maintainedAt: lifecycle.maintainedAt?.toISOString() ?? null,
    },
  };
}
