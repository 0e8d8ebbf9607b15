/**
 * The consumer Worker's bindings ([env.consumer] in wrangler.toml): the
 * queues, the Accelerate pool URL, the admin token's hash, retention.
 */
import * as z from "zod/mini";
import { wholeNumber } from "../events/fields.ts";
import { readEnv } from "./read-env.ts";

export interface ConsumerEnv {
  /** Producer binding of the main queue, for replays. */
  EVENTS_QUEUE: Queue<string>;
  /** Accelerate pool URL (prisma+postgres://… or prisma://…). Secret. */
  DATABASE_URL?: string;
  /** A consumer's database call is abandoned (and its messages retried) after this long. */
  DATABASE_TIMEOUT_SECONDS?: string;
  /** SHA-256 hex of the admin token. Secret. */
  ADMIN_TOKEN_SHA256?: string;
  /** Ingest keys, for the rollup read API (and to tell an ingest key from a wrong admin token). Secret. */
  API_KEYS?: string;
  /** Name of the dead-letter queue, to route its batches to the dead-letter consumer. */
  DEAD_LETTER_QUEUE?: string;
  /** Days replayed and discarded dead letters are kept for audit before the cron purges them. */
  DEAD_LETTER_RETENTION_DAYS?: string;
  LOG_LEVEL?: string;
}

const dbSchema = z.object({
  DATABASE_URL: z
    .string({ error: "is not set (the Accelerate pool URL; see README → Configuration)" })
    .check(
      z.regex(/^prisma(\+postgres)?:\/\//, "must be an Accelerate URL (prisma+postgres://… or prisma://…), not a direct postgres:// URL"),
    ),
  // Above Accelerate's own 10 s query timeout, which normally answers first; this catches a call that hangs.
  DATABASE_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.minimum(0.1), z.maximum(600)), 12),
});

export function dbConfig(env: Pick<ConsumerEnv, "DATABASE_URL" | "DATABASE_TIMEOUT_SECONDS">): { databaseUrl: string; timeoutMs: number } {
  const c = readEnv(dbSchema, env, "database config");
  return { databaseUrl: c.DATABASE_URL, timeoutMs: c.DATABASE_TIMEOUT_SECONDS * 1000 };
}

const retentionSchema = z.object({ DEAD_LETTER_RETENTION_DAYS: wholeNumber(1, 3650, 30) });

export function deadLetterRetentionDays(env: Pick<ConsumerEnv, "DEAD_LETTER_RETENTION_DAYS">): number {
  return readEnv(retentionSchema, env, "retention config").DEAD_LETTER_RETENTION_DAYS;
}

export function deadLetterQueueName(env: Pick<ConsumerEnv, "DEAD_LETTER_QUEUE">): string {
  return env.DEAD_LETTER_QUEUE ?? "eventline-events-dlq";
}
