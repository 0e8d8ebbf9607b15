// The consumer's write statement under real concurrency, on a real
// PostgreSQL (Debian package, started here): many connections writing the same
// rollup keys at once, with overlapping ids. The hot rows (rollup deltas, stage
// counters) are sharded per connection, and the totals stay exact.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { pgRawSql } from "../../scripts/db/pg-raw-sql.ts";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { applyRollupDeltas } from "../../src/consumer/db/apply-rollup-deltas.ts";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { prng } from "../support/prng.ts";

const WRITERS = 16;
const BATCHES = 25;
const PER_BATCH = 40;

let server: RealPostgres;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" }); // a correctness test: durability is not what it measures
  await applyMigrations(server.url);
});
afterAll(() => server?.stop());

const connect = async () => {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  return c;
};

describe("insertEvents with many concurrent connections (real PostgreSQL)", () => {
  it("keeps rollups and stage counters exact while every connection writes the same keys", async () => {
    const rng = prng(7);
    // Two days × two types for one source: every writer hits the same four rollup keys. Ids overlap across writers.
    const event = (id: string): EventMessage => {
      const day = rng.int(2) + 1;
      const at = `2026-11-0${day}T${String(rng.int(24)).padStart(2, "0")}:00:00.000Z`;
      return { v: 1, source: "hot", id, type: rng.pick(["a", "b"]), occurredAt: at, receivedAt: at, payload: { n: 1 } };
    };
    const clients = await Promise.all(Array.from({ length: WRITERS }, connect));
    let sent = 0;
    await Promise.all(
      clients.map(async (client, w) => {
        for (let b = 0; b < BATCHES; b++) {
          const batch = Array.from({ length: PER_BATCH }, (_, i) => event(i % 5 === 0 ? `shared-${b}-${i}` : `w${w}-${b}-${i}`));
          sent += batch.length;
          await insertEvents(client, batch, { firstDeliveries: batch.length, redeliveries: 0 });
        }
      }),
    );
    const sql = pgRawSql(clients[0]!);
    const [{ rows }] = (await sql.$queryRawUnsafe<{ rows: number }[]>("SELECT count(*)::int AS rows FROM events")) as [{ rows: number }];
    const [counters] = await sql.$queryRawUnsafe<Record<string, number>[]>(
      "SELECT sum(accepted)::int AS accepted, sum(written)::int AS written, sum(duplicates)::int AS duplicates, sum(retried)::int AS retried FROM stage_counters",
    );
    expect(counters).toEqual({ accepted: sent, written: rows, duplicates: sent - rows, retried: 0 });
    expect(rows).toBeLessThan(sent); // the overlapping ids did collide
    // The hot rows were spread over the connections: a shard each.
    const [{ shards }] = (await sql.$queryRawUnsafe<{ shards: number }[]>(
      "SELECT count(DISTINCT shard)::int AS shards FROM rollup_deltas",
    )) as [{ shards: number }];
    expect(shards).toBe(WRITERS);

    while ((await applyRollupDeltas(sql, 3)).claimed > 0); // small chunks: a key's shards are applied across several
    const rollups = await sql.$queryRawUnsafe(
      "SELECT day::text, type, count, first_occurred_at, last_occurred_at FROM daily_rollups ORDER BY 1, 2",
    );
    const groupBy = await sql.$queryRawUnsafe(
      "SELECT (occurred_at AT TIME ZONE 'UTC')::date::text AS day, type, count(*)::int AS count, min(occurred_at) AS first_occurred_at, max(occurred_at) AS last_occurred_at FROM events GROUP BY 1, 2 ORDER BY 1, 2",
    );
    expect(rollups).toEqual(groupBy);
    expect(await sql.$queryRawUnsafe("SELECT * FROM rollup_deltas")).toEqual([]);
    await Promise.all(clients.map((c) => c.end()));
  });
});
