/**
 * The consumer as bench/consumer-workerd.ts runs it: the production entry,
 * plus one route that runs the consumer's statement from inside workerd
 * through the HYPERDRIVE binding, by either design:
 * - `pg`: node-postgres, the statement and its timeout in one round trip (what the consumer sends);
 * - `prisma`: Prisma 7 + @prisma/adapter-pg, the same function called with parameters.
 * `count` statements run on one connection opened for the request.
 * `via=pooler` connects by BENCH_POOLER_URL instead of the binding: a
 * PgBouncer in transaction mode, whose server connections stay open across
 * invocations as Hyperdrive's pool does (the local binding opens a new
 * backend for every connection, which production does not pay).
 * `/__bench/queue?mode=consume|decode` takes a batch's message bodies (a JSON
 * array of the packets' texts, packed in Node as the producer packs them) and hands them to the consumer's
 * queue handler as a MessageBatch (consume: decode, write through the binding,
 * ack), or only decodes them (decode): the baseline of the consumer's CPU;
 * `noop` only reads the request, what the route costs by itself; `connect`
 * opens the invocation's connection, runs `SELECT 1` and closes it.
 * Only the benchmark's edited wrangler config points `main` here.
 */

import { loadPrisma, withDatabase } from "../../src/consumer/db/client.ts";
import { INSERT_EVENTS_SQL, insertEvents } from "../../src/consumer/db/insert-events.ts";
import worker from "../../src/consumer/index.ts";
import { readBatch } from "../../src/consumer/queues/read-batch.ts";
import { makeEvents } from "../lib/events.ts";

export default {
  ...worker,
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/queue") {
      const bodies = (await request.json()) as unknown[];
      const messages = bodies.map((body, i) => ({
        id: `bench-${i}`,
        timestamp: new Date(),
        body,
        attempts: 1,
        ack() {},
        retry() {},
      })) as Message<unknown>[];
      const mode = url.searchParams.get("mode");
      // noop: the request alone (reading its body), what every other mode also pays.
      if (mode === "noop") return new Response(null, { status: 204 });
      // connect: the request, then what every invocation pays for its connection (open, a trivial statement, close).
      if (mode === "connect") await withDatabase(env, ctx, (database) => database.pg.query("SELECT 1"));
      else if (mode === "decode") {
        const { events, letters } = readBatch(messages);
        if (letters.length > 0 || events.length === 0) return new Response("undecodable", { status: 500 });
      } else {
        const batch = { queue: "eventline-events", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>;
        await worker.queue(batch, env, ctx);
      }
      return new Response(null, { status: 204 });
    }
    if (url.pathname !== "/__bench/statements") return worker.fetch(request, env, ctx);
    const design = url.searchParams.get("design");
    const n = Number(url.searchParams.get("n"));
    const count = Number(url.searchParams.get("count"));
    const run = url.searchParams.get("run") ?? crypto.randomUUID();
    const pooled = url.searchParams.get("via") === "pooler";
    const dbEnv = pooled ? { ...env, HYPERDRIVE: undefined, DATABASE_URL: (env as { BENCH_POOLER_URL?: string }).BENCH_POOLER_URL } : env;
    if (design === "prisma") await loadPrisma();
    await withDatabase(dbEnv, ctx, async (database) => {
      for (let i = 0; i < count; i++) {
        const events = makeEvents(n, `${run}-${i}`);
        if (design === "pg") await insertEvents(database.pg, events, { firstDeliveries: n, redeliveries: 0 }, database.timeoutMs);
        else await database.prisma.$queryRawUnsafe(INSERT_EVENTS_SQL, JSON.stringify(events), n, 0);
      }
    });
    return new Response(null, { status: 204 });
  },
} satisfies typeof worker;
