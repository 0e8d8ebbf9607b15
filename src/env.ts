/**
 * The Worker's bindings (wrangler.toml) and the zod parsers that read them.
 * Bindings arrive per invocation, so they are parsed at the edge of each
 * handler, never at module load; each parser returns only what one part needs.
 */
import * as z from "zod";
import { LIMITS } from "./config/limits.ts";
import { ConfigError } from "./errors/config-error.ts";

export interface Env {
  /** Producer binding of the main queue; messages are JSON text. */
  EVENTS_QUEUE: Queue<string>;
  /** Workers Rate Limiting binding, keyed per API key. */
  INGEST_RATE_LIMITER?: RateLimit;
  /** Accelerate pool URL (prisma+postgres://… or prisma://…). Secret in production. */
  DATABASE_URL?: string;
  /** "<source>:<sha256 hex>" per line or comma. Secret. */
  API_KEYS?: string;
  /** "<source>:<secret>" per line; those sources must sign requests. Secret. */
  SIGNING_SECRETS?: string;
  /** A consumer's database call is abandoned (and its messages retried) after this long. */
  DATABASE_TIMEOUT_SECONDS?: string;
  /** SHA-256 hex of the admin token. Secret. */
  ADMIN_TOKEN_SHA256?: string;
  MAX_FUTURE_SKEW_SECONDS?: string;
  SIGNATURE_TOLERANCE_SECONDS?: string;
  /** Name of the dead-letter queue, to route its batches to the dead-letter consumer. */
  DEAD_LETTER_QUEUE?: string;
  /** Days replayed and discarded dead letters are kept for audit before the cron purges them. */
  DEAD_LETTER_RETENTION_DAYS?: string;
  /** debug | info (default) | warn | error. At debug, every accepted ingest request is logged too. */
  LOG_LEVEL?: string;
}

function parse<T extends z.ZodType>(schema: T, env: Env, what: string): z.infer<T> {
  const r = schema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(`${what}: ${issue.path.join(".")} ${issue.message}`, { cause: r.error });
  }
  return r.data;
}

const seconds = (fallback: number) => z.coerce.number().int().min(0).max(86_400).default(fallback);

const dbSchema = z.object({
  DATABASE_URL: z
    .string({ message: "is not set (the Accelerate pool URL; see README → Configuration)" })
    .regex(/^prisma(\+postgres)?:\/\//, "must be an Accelerate URL (prisma+postgres://… or prisma://…), not a direct postgres:// URL"),
  // Above Accelerate's own 10 s query timeout, which normally answers first; this catches a call that hangs.
  DATABASE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(12),
});

export function dbConfig(env: Env): { databaseUrl: string; timeoutMs: number } {
  const c = parse(dbSchema, env, "database config");
  return { databaseUrl: c.DATABASE_URL, timeoutMs: c.DATABASE_TIMEOUT_SECONDS * 1000 };
}

const ingestSchema = z.object({
  API_KEYS: z.string().optional(),
  SIGNING_SECRETS: z.string().optional(),
  MAX_FUTURE_SKEW_SECONDS: seconds(LIMITS.defaultMaxFutureSkewSeconds),
  SIGNATURE_TOLERANCE_SECONDS: seconds(LIMITS.defaultSignatureToleranceSeconds),
});

export function ingestConfig(env: Env) {
  const c = parse(ingestSchema, env, "ingest config");
  return {
    apiKeys: c.API_KEYS,
    signingSecrets: c.SIGNING_SECRETS,
    maxFutureSkewSeconds: c.MAX_FUTURE_SKEW_SECONDS,
    signatureToleranceSeconds: c.SIGNATURE_TOLERANCE_SECONDS,
  };
}

const retentionSchema = z.object({ DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30) });

export function deadLetterRetentionDays(env: Env): number {
  return parse(retentionSchema, env, "retention config").DEAD_LETTER_RETENTION_DAYS;
}

const logSchema = z.object({ LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info") });

/** The log level; a wrong value falls back to info rather than failing the request it would log. */
export function logLevel(env: Env): "debug" | "info" | "warn" | "error" {
  const r = logSchema.safeParse(env);
  return r.success ? r.data.LOG_LEVEL : "info";
}

export function deadLetterQueueName(env: Env): string {
  return env.DEAD_LETTER_QUEUE ?? "eventline-events-dlq";
}
