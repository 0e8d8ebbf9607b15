/**
 * What the admin API and the rollup read API answer, as schemas: the OpenAPI
 * document of the consumer Worker (operations-api.ts) is built from them, and
 * the contract tests check real responses against that document. Dates
 * travel as ISO 8601 strings. Strict: an unlisted field is a broken promise.
 */
import * as z from "zod/mini";
import { DEAD_LETTER_STATUSES } from "./dead-letter-filter.ts";

const instant = z.string();
const count = z.int();
const countsBy = z.record(z.string(), count);
const json = z.unknown();

export const storedEventSchema = z.strictObject({
  source: z.string(),
  id: z.string(),
  type: z.string(),
  occurredAt: instant,
  receivedAt: instant,
  writtenAt: instant,
  payload: json,
  attributes: z.nullable(json),
});

const summaryFields = {
  id: z.string(),
  source: z.nullable(z.string()),
  eventType: z.nullable(z.string()),
  eventId: z.nullable(z.string()),
  errorCode: z.string(),
  errorMessage: z.string(),
  attempts: count,
  status: z.enum(DEAD_LETTER_STATUSES),
  firstFailedAt: instant,
  lastFailedAt: instant,
  replayCount: count,
  replayedAt: z.nullable(instant),
};

export const deadLetterSummarySchema = z.strictObject(summaryFields);

export const deadLetterSchema = z.strictObject({
  ...summaryFields,
  key: z.string(),
  body: json,
  bodyText: z.nullable(z.string()),
  discardedAt: z.nullable(instant),
  discardReason: z.nullable(z.string()),
  replayJobId: z.nullable(z.string()),
  replayClaimedAt: z.nullable(instant),
});

export const deadLetterPageSchema = z.strictObject({
  deadLetters: z.array(deadLetterSummarySchema),
  countsByCode: countsBy,
  total: count,
  nextCursor: z.nullable(z.string()),
});

export const replayPreviewSchema = z.strictObject({
  dryRun: z.literal(true),
  count,
  bySource: countsBy,
  byType: countsBy,
  byCode: countsBy,
  sample: z.array(deadLetterSummarySchema),
});

export const replayJobSchema = z.strictObject({
  id: z.string(),
  selection: json,
  total: count,
  enqueued: count,
  skipped: count,
  status: z.enum(["running", "succeeded", "failed"]),
  error: z.nullable(z.string()),
  createdAt: instant,
  updatedAt: instant,
  finishedAt: z.nullable(instant),
});

/** For a selection by ids, which letters were discarded and what became of the others (a replay got there first, or an earlier discard). */
export const discardResultSchema = z.strictObject({
  discarded: count,
  ids: z.optional(z.array(z.string())),
  notDiscarded: z.optional(
    z.array(z.strictObject({ id: z.string(), status: z.enum(["replaying", "replayed", "discarded", "not_found"]) })),
  ),
});

const stageCounts = z.strictObject({
  accepted: count,
  written: count,
  duplicates: count,
  /** Copies set aside because their receipt day is past retention: never stored, never counted. */
  expired: count,
  retried: count,
  dead_lettered: count,
  replayed: count,
});

export const statsSchema = z.strictObject({
  stages: stageCounts,
  today: stageCounts,
  deadLetters: countsBy,
  oldestPendingDeadLetter: z.nullable(instant),
  pendingRollupDeltas: count,
  lastRollupRun: z.nullable(
    z.strictObject({ id: z.string(), kind: z.string(), status: z.string(), startedAt: instant, remaining: z.nullable(count) }),
  ),
  /** Ingest → row lag of the events written since `since` (the previous and the current clock hour). */
  ingestLagLastHour: z.strictObject({
    since: instant,
    events: count,
    p50Seconds: z.nullable(z.number()),
    p99Seconds: z.nullable(z.number()),
  }),
  /** The events' life cycle: partitions kept, what expired, the dedupe window, the next drop (docs/operations.md#event-life-cycle). */
  eventLifecycle: z.strictObject({
    dayPartitions: count,
    oldestDay: z.nullable(z.string()),
    newestDay: z.nullable(z.string()),
    /** Events received before this are in events_history (the table from before partitioning); null once dropped. */
    historyBefore: z.nullable(instant),
    expiredBefore: z.nullable(instant),
    retentionDays: z.nullable(count),
    nextDropDay: z.nullable(z.string()),
    dedupeWindowDays: count,
    /** The dedupe ledger's generations: each lasts until the next begins; ids received in its last windowDays also go into the next. */
    dedupeGenerations: z.array(z.strictObject({ generation: z.int(), firstDay: z.string(), windowDays: count })),
    maintainedAt: z.nullable(instant),
  }),
});

export const backfillReportSchema = z.strictObject({
  runId: z.string(),
  days: count,
  daysDone: count,
  keysDone: count,
  rows: count,
  nextFrom: z.nullable(z.string()),
  complete: z.boolean(),
});

export const rollupRunReportSchema = z.strictObject({
  runId: z.string(),
  deltas: count,
  rows: count,
  remaining: count,
  complete: z.boolean(),
});

export const rollupPageSchema = z.strictObject({
  rollups: z.array(
    z.strictObject({
      day: z.string(),
      source: z.string(),
      type: z.string(),
      count,
      firstOccurredAt: instant,
      lastOccurredAt: instant,
      updatedAt: instant,
    }),
  ),
  nextCursor: z.nullable(z.string()),
});
