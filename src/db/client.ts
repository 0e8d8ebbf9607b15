/**
 * The Worker's database client: Prisma Client in front of the Accelerate pool.
 * No Rust query engine ships with the Worker (only the small wasm query
 * compiler), and the pool holds the Postgres connections, so thousands of
 * isolates never exhaust the database's connection limit.
 *
 * Built per invocation from that invocation's env: never at module load.
 */
import { withAccelerate } from "@prisma/extension-accelerate";
import { PrismaClient } from "../generated/prisma/client.ts";

export function createDb(accelerateUrl: string) {
  return new PrismaClient({ accelerateUrl }).$extends(withAccelerate());
}

export type Db = ReturnType<typeof createDb>;

/**
 * The slice of a Prisma client the SQL operations need. Structural, so the
 * same operation runs through the Worker client and through the Node client
 * used by benchmarks and ops scripts.
 */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  /** A batch transaction: the queries run in order, in one transaction. */
  $transaction(queries: PromiseLike<unknown>[]): PromiseLike<unknown[]>;
}
