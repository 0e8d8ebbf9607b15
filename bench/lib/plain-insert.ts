// The benchmarks' baseline write: a plain multi-row INSERT … VALUES … ON
// CONFLICT DO NOTHING with node-postgres, no deltas, no counters.
import type pg from "pg";
import type { EventMessage } from "../../src/shared/events/event-message.ts";

export function plainMultiRowInsert(client: Pick<pg.ClientBase, "query">, events: readonly EventMessage[]) {
  const params: unknown[] = [];
  const rows = events.map((e, i) => {
    params.push(e.source, e.id, e.type, e.occurredAt, e.receivedAt, JSON.stringify(e.payload));
    const o = i * 6;
    return `($${o + 1},$${o + 2},$${o + 3},$${o + 4},$${o + 5},$${o + 6})`;
  });
  return client.query(
    `INSERT INTO events (source,id,type,occurred_at,received_at,payload) VALUES ${rows.join(",")} ON CONFLICT (source, id, received_at) DO NOTHING`,
    params,
  );
}
