/**
 * The consumer Worker's bindings ([env.consumer] in wrangler.toml): the
 * queues, the database (Hyperdrive, or a pooled URL), the admin token's hash,
 * retention.
 */
import * as z from "zod/mini";
import { readEnv } from "../shared/config/read-env.ts";
import { ConfigError } from "../shared/errors/config-error.ts";
import { wholeNumber } from "../shared/lib/whole-number.ts";

export interface ConsumerEnv {
  /** Producer binding of the main queue, for replays. */
  EVENTS_QUEUE: Queue<string>;
  /** Cloudflare Hyperdrive in front of Postgres: the connection pool of production. */
  HYPERDRIVE?: Hyperdrive;
  /** Without HYPERDRIVE: a pooled postgres:// endpoint (PgBouncer, Neon/Supabase pooler, Prisma Postgres). Secret. */
  DATABASE_URL?: string;
  /** A database call is abandoned after this long (a queue batch's messages are retried; an operator gets a 503). */
  DATABASE_TIMEOUT_SECONDS?: string;
  /** Connecting to the database (Hyperdrive) is given up after this long. */
  DATABASE_CONNECT_TIMEOUT_SECONDS?: string;
  /** SHA-256 hex of the admin token. Secret. */
  ADMIN_TOKEN_SHA256?: string;
  /** SHA-256 hex of a read-only token for GET /metrics (a scraper need not hold the admin token). Secret. */
  METRICS_TOKEN_SHA256?: string;
  /** Signs the operator console's sessions: random, at least 32 characters, used for nothing else (npm run keys:create -- --console). Secret. */
  CONSOLE_SESSION_SECRET?: string;
  /** Ingest keys, for the rollup read API (and to tell an ingest key from a wrong admin token). Secret. */
  API_KEYS?: string;
  /** Name of the dead-letter queue, to route its batches to the dead-letter consumer. */
  DEAD_LETTER_QUEUE?: string;
  /** Per-key rate limit of GET /v1/rollups (Workers Rate Limiting). */
  READ_RATE_LIMITER?: RateLimit;
  /** Failed authentications (admin token, console login, read keys) per client address. */
  AUTH_FAILURE_LIMITER?: RateLimit;
  /** Days replayed and discarded dead letters are kept for audit before the cron purges them. */
  DEAD_LETTER_RETENTION_DAYS?: string;
  /** The first redelivery's delay, in seconds, from which the consumers' backoff grows (default 5; queues/retry-policy.ts). */
  REDELIVERY_BASE_DELAY_SECONDS?: string;
  /** Days events are kept (by receipt day) before the cron drops their partition; unset keeps everything. */
  EVENT_RETENTION_DAYS?: string;
  /** Days an event id is deduplicated for, at least: the length of a dedupe-ledger generation the cron plans. */
  DEDUPE_WINDOW_DAYS?: string;
  /** Days of events partitions the cron keeps created ahead of today. */
  EVENT_PARTITIONS_AHEAD_DAYS?: string;
  LOG_LEVEL?: string;
}

/** The error an old deployment meets, pointing at the migration steps. */
const ACCELERATE_RETIRED =
  "is a Prisma Accelerate URL; Accelerate was retired on 2026-12-01. Bind Hyperdrive (HYPERDRIVE) or set a postgres:// URL of a pooled endpoint: see docs/configuration.md#moving-from-accelerate";

const dbSchema = z.object({
  DATABASE_URL: z.optional(
    z.string().check(
      z.refine((u) => !/^prisma(\+postgres)?:\/\//i.test(u), ACCELERATE_RETIRED),
      z.regex(/^postgres(ql)?:\/\//i, "must be a postgres:// URL of a pooled endpoint"),
    ),
  ),
  // The client-side deadline of a database call and the server-side statement_timeout of the consumer's statements.
  DATABASE_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.minimum(0.1), z.maximum(55)), 4),
  // Hyperdrive answers a connect from its edge pool: seconds of silence mean the database is not there.
  DATABASE_CONNECT_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.minimum(0.1), z.maximum(30)), 2),
});

/** The connection string this invocation uses (Hyperdrive's first), the deadline of one database call, and of connecting. */
export function dbConfig(
  env: Pick<ConsumerEnv, "HYPERDRIVE" | "DATABASE_URL" | "DATABASE_TIMEOUT_SECONDS" | "DATABASE_CONNECT_TIMEOUT_SECONDS">,
): {
  connectionString: string;
  timeoutMs: number;
  connectTimeoutMs: number;
} {
  const c = readEnv(dbSchema, env, "database config");
  const connectionString = env.HYPERDRIVE?.connectionString ?? c.DATABASE_URL;
  if (!connectionString)
    throw new ConfigError(
      "database config: no database (bind HYPERDRIVE, or set DATABASE_URL to a pooled postgres:// URL; see docs/configuration.md)",
    );
  return { connectionString, timeoutMs: c.DATABASE_TIMEOUT_SECONDS * 1000, connectTimeoutMs: c.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000 };
}

const retentionSchema = z.object({ DEAD_LETTER_RETENTION_DAYS: wholeNumber(1, 3650, 30) });

export function deadLetterRetentionDays(env: Pick<ConsumerEnv, "DEAD_LETTER_RETENTION_DAYS">): number {
  return readEnv(retentionSchema, env, "retention config").DEAD_LETTER_RETENTION_DAYS;
}

const redeliverySchema = z.object({ REDELIVERY_BASE_DELAY_SECONDS: z.optional(wholeNumber(1, 300, 5)) });

/** The first redelivery's delay when set (1–300 s); undefined: the retry policy's default. */
export function redeliveryBaseDelaySeconds(env: Pick<ConsumerEnv, "REDELIVERY_BASE_DELAY_SECONDS">): number | undefined {
  return env.REDELIVERY_BASE_DELAY_SECONDS === undefined
    ? undefined
    : readEnv(redeliverySchema, env, "redelivery config").REDELIVERY_BASE_DELAY_SECONDS;
}

export function deadLetterQueueName(env: Pick<ConsumerEnv, "DEAD_LETTER_QUEUE">): string {
  return env.DEAD_LETTER_QUEUE ?? "eventline-events-dlq";
}

/** The events' life cycle (db/maintain-events.ts), as docs/configuration.md states it. */
export const EVENT_LIFECYCLE_LIMITS = {
  /** Queues keep a message up to 14 days, with its receipt time: a shorter retention would drop the day a retried message still belongs to. */
  minRetentionDays: 15,
  minDedupeWindowDays: 7,
  defaultDedupeWindowDays: 90,
  defaultPartitionsAheadDays: 7,
} as const;

// Retention and the dedupe window are independent: a copy that keeps its receipt meets its original
// through events' own key while its day is kept, and is set aside once it is not (insert-events.ts).
const lifecycleSchema = z.object({
  EVENT_RETENTION_DAYS: z.optional(
    z.coerce
      .number()
      .check(z.refine(Number.isInteger, "must be a whole number"), z.minimum(EVENT_LIFECYCLE_LIMITS.minRetentionDays), z.maximum(36_500)),
  ),
  DEDUPE_WINDOW_DAYS: wholeNumber(EVENT_LIFECYCLE_LIMITS.minDedupeWindowDays, 3650, EVENT_LIFECYCLE_LIMITS.defaultDedupeWindowDays),
  EVENT_PARTITIONS_AHEAD_DAYS: wholeNumber(1, 60, EVENT_LIFECYCLE_LIMITS.defaultPartitionsAheadDays),
});

export interface EventLifecycleConfig {
  /** null: events are kept for ever. */
  retentionDays: number | null;
  dedupeWindowDays: number;
  partitionsAheadDays: number;
}

export function eventLifecycleConfig(
  env: Pick<ConsumerEnv, "EVENT_RETENTION_DAYS" | "DEDUPE_WINDOW_DAYS" | "EVENT_PARTITIONS_AHEAD_DAYS">,
): EventLifecycleConfig {
  const c = readEnv(lifecycleSchema, env, "event life cycle config");
  return {
    retentionDays: c.EVENT_RETENTION_DAYS ?? null,
    dedupeWindowDays: c.DEDUPE_WINDOW_DAYS,
    partitionsAheadDays: c.EVENT_PARTITIONS_AHEAD_DAYS,
  };
}
