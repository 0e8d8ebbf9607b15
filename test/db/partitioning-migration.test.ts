// Partitioning an existing deployment (migrations 20261129233000…233300) on a
// real PostgreSQL holding 1,000,000 events, with the consumer writing
// throughout: no row is rewritten or lost, the old rows become the
// events_history partition, writes go on during the steps that read every
// row, and a copy of an event written before partitioning is still a duplicate.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { BEFORE_PARTITIONING, fillOldLayout, rehearsePartitioning } from "../../scripts/db/partitioning-rehearsal.ts";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";

const EVENTS = 1_000_000;

let server: RealPostgres;
let client: pg.Client;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" }); // correctness: bench/partitioning-migration.ts measures with fsync on
  await applyMigrations(server.url, BEFORE_PARTITIONING);
  client = new pg.Client(server.url);
  client.on("error", () => {});
  await client.connect();
  await fillOldLayout(client, EVENTS);
}, 180_000);
afterAll(async () => {
  await client?.end();
  await server?.stop();
});

const one = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0] as T;

describe("partitioning an existing events table", () => {
  it("keeps every row in place, lets writes go on while rows are read, and still deduplicates old ids", async () => {
    const before = await one<{ file: string }>("SELECT pg_relation_filenode('events')::text AS file");
    const { steps, written, writerErrors } = await rehearsePartitioning(server.url);
    console.log(JSON.stringify(steps));

    // The old table is now the history partition, the same file on disk: attached, not rewritten.
    const after = await one<{ file: string; parent: string }>(
      "SELECT pg_relation_filenode('events_history')::text AS file, (SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = 'events_history'::regclass) AS parent",
    );
    expect(after).toEqual({ file: before.file, parent: "events" });
    const counts = await one<{ old: number; live: number }>(
      "SELECT count(*) FILTER (WHERE source <> 'live')::int AS old, count(*) FILTER (WHERE source = 'live')::int AS live FROM events",
    );
    expect(counts.old).toBe(EVENTS);
    expect(counts.live).toBe(written);

    // The steps that read every row (the two index builds, the constraint's validation) did not stop the writer.
    const reading = steps.filter((s) => /key_with_receipt|rollup_index|range_validated/.test(s.step));
    for (const s of reading) expect(s.writes, s.step).toBeGreaterThan(0);
    // The swap can fail the one statement caught in it with the old table's key (the queue retries it); nothing else fails.
    expect(writerErrors.length).toBeLessThanOrEqual(1);
    for (const e of writerErrors) expect(e).toMatch(/ON CONFLICT|does not exist|could not open relation/);

    // A client's retry of an event written before partitioning, received now: a duplicate, found in the history.
    const old = await one<Record<string, unknown>>("SELECT source, id, type, occurred_at FROM events WHERE id = 'old-4242'");
    const now = new Date().toISOString();
    const retry = {
      v: 1 as const,
      source: old.source as string,
      id: "old-4242",
      type: old.type as string,
      occurredAt: now,
      receivedAt: now,
      payload: {},
    };
    expect((await insertEvents(client, [retry], { firstDeliveries: 1, redeliveries: 0 })).written).toBe(0);
    expect(await one<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE id = 'old-4242'")).toEqual({ n: 1 });
  }, 300_000);
});
