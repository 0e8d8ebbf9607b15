/**
 * The database of one HTTP request: opened by the first handler that asks
 * (most requests of the consumer's HTTP never do), closed once the response
 * is ready (closeRequestDatabase, the consumer app's first middleware).
 */
import type { MiddlewareHandler } from "hono";
import type { ConsumerEnv } from "../consumer-env.ts";
import { type Database, type Db, openDatabase } from "./client.ts";

const opened = new WeakMap<Request, Database>();

/** This request's connection (for a transaction of several statements: connect()). */
export function requestDatabase(c: { env: ConsumerEnv; req: { raw: Request } }): Database {
  let database = opened.get(c.req.raw);
  if (!database) {
    database = openDatabase(c.env, { deadlineEveryQuery: true });
    opened.set(c.req.raw, database);
  }
  return database;
}

/** Prisma on this request's connection. */
export function requestDb(c: { env: ConsumerEnv; req: { raw: Request } }): Db {
  return requestDatabase(c).prisma;
}

export const closeRequestDatabase: MiddlewareHandler<{ Bindings: ConsumerEnv }> = async (c, next) => {
  try {
    await next();
  } finally {
    const database = opened.get(c.req.raw);
    if (database) {
      opened.delete(c.req.raw);
      const closing = database.close();
      // app.request() in tests has no execution context: close inline there.
      let ctx: ExecutionContext | undefined;
      try {
        ctx = c.executionCtx as ExecutionContext;
      } catch {}
      if (ctx) ctx.waitUntil(closing);
      else await closing;
    }
  }
};
