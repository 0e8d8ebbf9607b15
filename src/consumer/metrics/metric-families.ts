/**
 * What GET /metrics exposes, from one snapshot of the database (and the
 * queue, where the runtime tells its backlog). Label sets are bounded: stage
 * (6 values), dead-letter status (3), error code (the most common
 * PENDING_CODE_LABELS, the rest as "other"). No event ids, no sources, no
 * partition names. Pure.
 */

import { LAG_BUCKET_BOUNDS_SECONDS } from "../../shared/lib/lag-buckets.ts";
import type { StageCounts } from "../db/read-stats.ts";
import type { MetricFamily } from "./exposition.ts";

/** Error codes labelled one by one before the rest are summed as "other". */
export const PENDING_CODE_LABELS = 20;

export interface MetricsSnapshot {
  now: Date;
  stages: StageCounts;
  deadLetters: Record<string, number>;
  pendingByCode: Record<string, number>;
  oldestPendingDeadLetter: Date | string | null;
  pendingRollupKeys: number;
  lastRollupRun: { startedAt: Date | string; status: string } | null;
  /** Per-bucket event counts (not cumulative) and their summed lag, all time. */
  lag: { counts: readonly number[]; sumSeconds: number };
  queueBacklog?: { messages: number; bytes: number };
  /** The events' life cycle (db/read-event-lifecycle.ts). */
  lifecycle: { dayPartitions: number; maintainedAt: Date | string | null };
}

const seconds = (d: Date | string) => new Date(d).getTime() / 1000;

export function metricFamilies(s: MetricsSnapshot): MetricFamily[] {
  const now = s.now.getTime() / 1000;
  let cumulative = 0;
  const buckets = LAG_BUCKET_BOUNDS_SECONDS.map((le, i) => {
    cumulative += s.lag.counts[i] ?? 0;
    return { le, count: cumulative };
  });
  const families: MetricFamily[] = [
    {
      type: "counter",
      name: "eventline_events",
      help: "Events counted at each pipeline stage since the start (accepted, written, duplicates, expired: copies set aside for a receipt day past retention, retried, dead_lettered, replayed).",
      samples: Object.entries(s.stages).map(([stage, value]) => ({ labels: { stage }, value })),
    },
    {
      type: "gauge",
      name: "eventline_dead_letters",
      help: "Dead letters by status.",
      samples: ["pending", "replayed", "discarded"].map((status) => ({ labels: { status }, value: s.deadLetters[status] ?? 0 })),
    },
    {
      type: "gauge",
      name: "eventline_dead_letters_pending_by_code",
      help: `Pending dead letters by error code (the ${PENDING_CODE_LABELS} most common; the rest as "other").`,
      samples: Object.entries(s.pendingByCode).map(([code, value]) => ({ labels: { code }, value })),
    },
    {
      type: "gauge",
      name: "eventline_oldest_pending_dead_letter_age_seconds",
      help: "Age of the oldest pending dead letter (0 when none is pending).",
      unit: "seconds",
      samples: [{ value: s.oldestPendingDeadLetter ? Math.max(0, now - seconds(s.oldestPendingDeadLetter)) : 0 }],
    },
    {
      type: "gauge",
      name: "eventline_rollup_keys_pending",
      help: "Rollup keys (day, source, type) with writes the next rollup run has yet to apply.",
      samples: [{ value: s.pendingRollupKeys }],
    },
    {
      type: "gauge",
      name: "eventline_last_rollup_run_age_seconds",
      help: "Time since the last rollup run started (absent before the first run).",
      unit: "seconds",
      samples: s.lastRollupRun
        ? [{ labels: { status: s.lastRollupRun.status }, value: Math.max(0, now - seconds(s.lastRollupRun.startedAt)) }]
        : [],
    },
    {
      type: "histogram",
      name: "eventline_ingest_lag_seconds",
      help: "From an event's receipt by the producer to the statement that wrote its row (new rows only).",
      unit: "seconds",
      buckets,
      count: cumulative + (s.lag.counts[LAG_BUCKET_BOUNDS_SECONDS.length] ?? 0),
      sum: s.lag.sumSeconds,
    },
    {
      type: "gauge",
      name: "eventline_event_day_partitions",
      help: "Day partitions of events kept (the history partition not counted).",
      samples: [{ value: s.lifecycle.dayPartitions }],
    },
    {
      type: "gauge",
      name: "eventline_event_maintenance_age_seconds",
      help: "Time since the cron last kept the events' partitions, retention and dedupe ledger (absent before the first run).",
      unit: "seconds",
      samples: s.lifecycle.maintainedAt ? [{ value: Math.max(0, now - seconds(s.lifecycle.maintainedAt)) }] : [],
    },
  ];
  if (s.queueBacklog)
    families.push(
      {
        type: "gauge",
        name: "eventline_queue_backlog_messages",
        help: "Messages waiting in the events queue.",
        samples: [{ value: s.queueBacklog.messages }],
      },
      {
        type: "gauge",
        name: "eventline_queue_backlog_bytes",
        help: "Bytes waiting in the events queue.",
        unit: "bytes",
        samples: [{ value: s.queueBacklog.bytes }],
      },
    );
  return families;
}
