// What the consumer's write pays for rollups users define: the written_xid
// column default and its BRIN index. Two databases migrated alike, one with
// both dropped; the consumer's statement (insertEvents) from `writers` warm
// connections into each in turn, rounds alternating which goes first.
import pg from "pg";
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { pgRawSql } from "../../scripts/db/pg-raw-sql.ts";
import type { RealPostgres } from "../../scripts/lib/real-postgres.ts";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import { maintainEvents } from "../../src/consumer/db/maintain-events.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { median } from "./events.ts";

export interface WriteAb {
  writers: number;
  batch: number;
  withRowsPerSec: number;
  withoutRowsPerSec: number;
  /** with ÷ without, per round. */
  ratios: number[];
}

export async function writtenXidAb(
  server: RealPostgres,
  o: { writers: number; batch: number; rows: number; rounds: number },
): Promise<WriteAb> {
  const urls: Record<"with" | "without", string> = { with: "", without: "" };
  for (const name of ["with", "without"] as const) {
    const url = await server.createDatabase(`xid_${name}_${o.writers}_${o.batch}`);
    await applyMigrations(url);
    const c = new pg.Client(url);
    await c.connect();
    const day0 = (await c.query<{ d: Date }>("SELECT history_before AS d FROM event_lifecycle")).rows[0]!.d;
    await maintainEvents(pgRawSql(c), day0, { partitionsAheadDays: 7, retentionDays: null, dedupeWindowDays: 90 });
    if (name === "without") await c.query("ALTER TABLE events ALTER COLUMN written_xid DROP DEFAULT; DROP INDEX events_written_xid_idx");
    await c.end();
    urls[name] = url;
  }
  const at = new Date(Date.now() + 3_600_000).toISOString();
  const events = (prefix: string): EventMessage[] =>
    Array.from({ length: o.batch }, (_, i) => ({
      v: 1,
      source: "s",
      id: `${prefix}-${i}`,
      type: "t",
      occurredAt: at,
      receivedAt: at,
      payload: { i },
    }));
  const deliveries = { firstDeliveries: o.batch, redeliveries: 0 };
  const rate: Record<"with" | "without", number[]> = { with: [], without: [] };
  for (let r = 0; r < o.rounds; r++) {
    for (const name of r % 2 ? (["without", "with"] as const) : (["with", "without"] as const)) {
      const conns = await Promise.all(
        Array.from({ length: o.writers }, async () => {
          const c = new pg.Client(urls[name]);
          await c.connect();
          return c;
        }),
      );
      // Warm: each connection compiles the function and settles its plan first, as Hyperdrive's pooled ones have.
      for (const [w, c] of conns.entries()) for (let k = 0; k < 6; k++) await insertEvents(c, events(`warm${r}-${w}-${k}`), deliveries);
      const statements = Math.max(1, Math.round(o.rows / o.writers / o.batch));
      const t0 = performance.now();
      await Promise.all(
        conns.map(async (c, w) => {
          for (let b = 0; b < statements; b++) await insertEvents(c, events(`r${r}-${w}-${b}`), deliveries);
        }),
      );
      rate[name].push((statements * o.writers * o.batch) / ((performance.now() - t0) / 1000));
      await Promise.all(conns.map((c) => c.end()));
    }
  }
  return {
    writers: o.writers,
    batch: o.batch,
    withRowsPerSec: Math.round(median(rate.with)),
    withoutRowsPerSec: Math.round(median(rate.without)),
    ratios: rate.with.map((x, i) => x / rate.without[i]!),
  };
}
