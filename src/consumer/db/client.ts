/**
 * The consumer Worker's database connection, one per invocation (a queue
 * batch, an HTTP request, a cron run): node-postgres on the connection string
 * of the HYPERDRIVE binding (Cloudflare's pool, kept warm near the database),
 * or of DATABASE_URL (a pooled postgres:// endpoint) without the binding.
 * Prisma 7 with @prisma/adapter-pg runs on the same connection for the model
 * API; no Rust engine ships with the Worker (only Prisma's wasm query compiler).
 *
 * Never at module scope: a client kept across invocations hangs every second
 * request in workerd (prisma/orm #30255; docs/contributing.md). The invocation
 * hands close() to waitUntil; workerd drops the socket when it ends anyway.
 */
import type { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
import { type ConsumerEnv, dbConfig } from "../consumer-env.ts";

/** What the consumer's hot statements need: node-postgres's query, on a Client or a Pool. */
export type PgQueryable = Pick<pg.ClientBase, "query">;

export type Db = PrismaClient;

let prismaModules: { PrismaClient: typeof PrismaClient; PrismaPg: typeof PrismaPg } | undefined;

/**
 * Loads Prisma — its runtime, the generated client and the adapter, most of
 * the consumer's bundle — for the handlers that use it (fetch and scheduled;
 * awaited by the entry). The queue handlers use node-postgres only, so an
 * isolate that only consumes never evaluates it: bench:workers measures the
 * consumer's startup without it. Code, not a client: nothing here outlives an
 * invocation but the modules.
 */
export async function loadPrisma(): Promise<void> {
  if (prismaModules) return;
  const [client, adapter] = await Promise.all([import("../../generated/prisma/client.ts"), import("@prisma/adapter-pg")]);
  prismaModules = { PrismaClient: client.PrismaClient, PrismaPg: adapter.PrismaPg };
}

export interface Database {
  /** node-postgres on this invocation's connection: the consumer's statements. */
  readonly pg: PgQueryable;
  /** Prisma on the same connection, built on first use (admin API, console, cron). */
  readonly prisma: Db;
  /** The client-side deadline for one call (DATABASE_TIMEOUT_SECONDS); the same figure bounds it server-side. */
  readonly timeoutMs: number;
  /**
   * The connection to itself, for a transaction of several statements
   * (BEGIN … COMMIT): other work of the invocation waits meanwhile, so none
   * of its statements runs inside the transaction. Release it when done.
   */
  connect(): Promise<pg.PoolClient>;
  close(): Promise<void>;
}

type DatabaseEnv = Pick<ConsumerEnv, "HYPERDRIVE" | "DATABASE_URL" | "DATABASE_TIMEOUT_SECONDS" | "DATABASE_CONNECT_TIMEOUT_SECONDS">;

/**
 * Opens (lazily: the first query connects) this invocation's connection. Throws ConfigError for a missing or retired URL.
 * `deadlineEveryQuery`: every query, Prisma's too, is abandoned after DATABASE_TIMEOUT_SECONDS (an operator's request:
 * an answer within connect + that deadline, a 503 when the database does not give one); the queue and the cron bound
 * their own calls.
 */
export function openDatabase(env: DatabaseEnv, { deadlineEveryQuery = false } = {}): Database {
  const { connectionString, timeoutMs, connectTimeoutMs } = dbConfig(env);
  // One connection: an invocation's statements run one after another, and Hyperdrive multiplexes across invocations.
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    connectionTimeoutMillis: connectTimeoutMs,
    ...(deadlineEveryQuery ? { query_timeout: timeoutMs } : {}),
  });
  let closing = false;
  // An idle connection dropped by the server is an event, not an unhandled error that fails the invocation;
  // once the invocation closes its connection, the socket's own farewell is not news.
  pool.on("error", (err) => {
    if (!closing) log("warn", "database.connection_lost", errorFields(err));
  });
  let prisma: Db | undefined;
  return {
    pg: pool,
    get prisma() {
      if (!prismaModules) throw new Error("Prisma is not loaded: the handler must await loadPrisma() first");
      prisma ??= new prismaModules.PrismaClient({ adapter: new prismaModules.PrismaPg(pool) });
      return prisma;
    },
    timeoutMs,
    connect: () => pool.connect(),
    async close() {
      closing = true;
      await pool.end().catch(() => {});
    },
  };
}

/**
 * Runs one invocation's work on its own connection and hands the connection's
 * close to waitUntil however the work ends. Throws ConfigError, before any
 * work, for a missing or retired URL.
 */
export async function withDatabase<T>(
  env: DatabaseEnv,
  ctx: Pick<ExecutionContext, "waitUntil">,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const database = openDatabase(env);
  try {
    return await work(database);
  } finally {
    ctx.waitUntil(database.close());
  }
}

/**
 * The slice of a Prisma client the SQL operations that need batch
 * transactions use. Structural, so the same operation runs through the
 * Worker's client and through the Node client of benchmarks and scripts.
 */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  /** Statement text with $1… placeholders and its parameters (texts that may use db/sql-fragments.ts). */
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  /** A batch transaction: the queries run in order, in one transaction. */
  $transaction(queries: PromiseLike<unknown>[]): PromiseLike<unknown[]>;
}
