// The database's own rate for the consumer's work, the baseline of the
// pipeline benches: the consumer's statement (insertEvents) sent from Node on
// `connections` open connections, `statements` each, in parallel.
import pg from "pg";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";

/** Events per second; `batch` makes each statement's events (new ids every call). */
export async function directInsertRate(url: string, connections: number, statements: number, batch: () => EventMessage[]): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const batches = clients.map(() => Array.from({ length: statements }, batch));
  const events = batches.flat().reduce((n, b) => n + b.length, 0);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, w) => {
      for (const b of batches[w]!) await insertEvents(c, b);
    }),
  );
  const rate = Math.round(events / ((performance.now() - t0) / 1000));
  await Promise.all(clients.map((c) => c.end()));
  return rate;
}
