/**
 * The Worker's database client: Prisma Client in front of the Accelerate pool.
 * No Rust query engine ships with the Worker (only the small wasm query
 * compiler), and the pool holds the Postgres connections, so thousands of
 * isolates never exhaust the database's connection limit.
 *
 * Built from the invocation's env, never at module load.
 */
import { withAccelerate } from "@prisma/extension-accelerate";
import { type ConsumerEnv, dbConfig } from "../config/consumer-env.ts";
import { PrismaClient } from "../generated/prisma/client.ts";

export function createDb(accelerateUrl: string) {
  return new PrismaClient({ accelerateUrl }).$extends(withAccelerate());
}

/** A client for one HTTP request or cron invocation, from its env's DATABASE_URL. */
export function requestDb(env: Pick<ConsumerEnv, "DATABASE_URL" | "DATABASE_TIMEOUT_SECONDS">) {
  return createDb(dbConfig(env).databaseUrl);
}

export type Db = ReturnType<typeof createDb>;

let consumerDb: { url: string; db: Db } | undefined;

/**
 * One client per isolate for the queue consumers, kept across batches:
 * building a client cost 2–3 ms of CPU per batch, about a fifth of what a
 * 100-event batch costs the Worker (bench/ingest's CPU accounting).
 *
 * Safe to share because the consumers send only raw queries: each is a fetch
 * to the pool started by, and belonging to, the batch that awaits it (the
 * client batches only findUnique calls, which the consumers never make), and
 * the client holds no socket — the pool does. Rebuilt when the URL changes
 * (a rotated secret). The HTTP routes keep a client per request.
 */
export function consumerClient(accelerateUrl: string): Db {
  if (consumerDb?.url !== accelerateUrl) consumerDb = { url: accelerateUrl, db: createDb(accelerateUrl) };
  return consumerDb.db;
}

/**
 * The slice of a Prisma client the SQL operations need. Structural, so the
 * same operation runs through the Worker client and through the Node client
 * used by benchmarks and ops scripts.
 */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  /** Statement text with $1… placeholders and its parameters (texts built from db/sql-fragments.ts). */
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  /** A batch transaction: the queries run in order, in one transaction. */
  $transaction(queries: PromiseLike<unknown>[]): PromiseLike<unknown[]>;
}
