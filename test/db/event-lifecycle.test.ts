// The events' life cycle on both databases the project runs on: the embedded
// PGlite (the local default) and a real PostgreSQL. Day partitions, the dedupe
// ledger across partitions and generations, retention by dropping partitions,
// and the partitions a write creates when the cron has not.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { pgRawSql } from "../../scripts/db/pg-raw-sql.ts";
import { startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres.ts";
import type { Db } from "../../src/consumer/db/client.ts";
import { dropExpiredTables } from "../../src/consumer/db/drop-expired-tables.ts";
import { getEvent } from "../../src/consumer/db/get-event.ts";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import { maintainEvents } from "../../src/consumer/db/maintain-events.ts";
import { readEventLifecycle } from "../../src/consumer/db/read-event-lifecycle.ts";
import { PrismaClient } from "../../src/generated/prisma-node/client.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { DAY_MS } from "../../src/shared/lib/time.ts";

const DATABASES = {
  PGlite: () => startEmbeddedPostgres(),
  PostgreSQL: () => startRealPostgres({ fsync: "off" }), // correctness, not durability
};

const dayStart = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
const plusDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);
const dayName = (d: Date) => `events_p${d.toISOString().slice(0, 10).replaceAll("-", "")}`;
const once = { firstDeliveries: 1, redeliveries: 0 };

describe.each(Object.entries(DATABASES))("the events' life cycle on %s", (_name, start) => {
  let db: Awaited<ReturnType<typeof start>>;
  let client: pg.Client;
  let prisma: Db;
  /** The first day after the history partition: every day from here on gets its own partition. */
  let firstDay: Date;
  let seq = 0;
  const event = (receivedAt: Date, id = `e${++seq}`): EventMessage => ({
    v: 1,
    source: "life",
    id,
    type: "t",
    occurredAt: receivedAt.toISOString(),
    receivedAt: receivedAt.toISOString(),
    payload: { seq },
  });
  const sql = () => pgRawSql(client);
  /** The dedupe ledger's generations, oldest first. */
  const generations = async () => (await readEventLifecycle(sql())).generations;
  const rows = async (id: string) =>
    (
      await client.query<{ part: string }>("SELECT tableoid::regclass::text AS part FROM events WHERE source = 'life' AND id = $1", [id])
    ).rows.map((r) => r.part);
  const maintain = (today: Date, o: { retentionDays?: number | null; dedupeWindowDays?: number } = {}) =>
    maintainEvents(sql(), today, {
      partitionsAheadDays: 7,
      retentionDays: o.retentionDays ?? null,
      dedupeWindowDays: o.dedupeWindowDays ?? 90,
    });

  beforeAll(async () => {
    db = await start();
    await applyMigrations(db.url);
    client = new pg.Client(db.url);
    client.on("error", () => {});
    await client.connect();
    // The Node build of the Worker's generated client: the same model API.
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 1 }) }) as unknown as Db;
    const [l] = (await client.query<{ history_before: Date }>("SELECT history_before FROM event_lifecycle")).rows;
    firstDay = l!.history_before;
  }, 120_000);
  afterAll(async () => {
    await prisma?.$disconnect();
    await client?.end();
    await db?.stop();
  });

  it("writes each day's events into that day's partition, and a copy received the next day is a duplicate", async () => {
    const day = plusDays(firstDay, 1);
    await maintain(day);
    const original = event(new Date(day.getTime() + 23.5 * 3_600_000));
    expect((await insertEvents(client, [original], once)).written).toBe(1);
    const retry = { ...original, receivedAt: plusDays(new Date(original.receivedAt), 1).toISOString() };
    expect((await insertEvents(client, [retry], once)).written).toBe(0);
    // A redelivery keeps its receipt time: the partition's own key catches it too.
    expect((await insertEvents(client, [original], { firstDeliveries: 0, redeliveries: 1 })).written).toBe(0);
    expect(await rows(original.id)).toEqual([dayName(day)]);
  });

  it("writes the new events of a first-delivery batch that also holds copies, and counts only the copies as duplicates", async () => {
    const day = plusDays(firstDay, 2);
    await maintain(day);
    const at = (h: number) => new Date(day.getTime() + h * 3_600_000);
    const [a, b] = [event(at(1)), event(at(2))];
    expect((await insertEvents(client, [a, b], { firstDeliveries: 2, redeliveries: 0 })).written).toBe(2);
    const counters = async () =>
      (
        await client.query<{ written: number; duplicates: number }>(
          "SELECT sum(written)::int AS written, sum(duplicates)::int AS duplicates FROM stage_counters",
        )
      ).rows[0]!;
    const before = await counters();
    // Posted again by the client (a new receipt) and as the same message: neither is new; the others are.
    const fresh = [event(at(3)), event(at(4)), event(at(5))];
    const batch = [fresh[0]!, { ...a, receivedAt: at(6).toISOString() }, fresh[1]!, b, fresh[2]!];
    expect((await insertEvents(client, batch, { firstDeliveries: 5, redeliveries: 0 })).written).toBe(3);
    for (const e of [a, b, ...fresh]) expect(await rows(e.id)).toEqual([dayName(day)]);
    expect(await counters()).toEqual({ written: before.written + 3, duplicates: before.duplicates + 2 });
  });

  it("keeps one copy when copies straddle a ledger generation boundary, written at once from two connections", async () => {
    const boundary = (await generations())[1]!.firstDay;
    const other = new pg.Client(db.url);
    other.on("error", () => {});
    await other.connect();
    try {
      const before = Array.from({ length: 50 }, () => event(new Date(boundary.getTime() - 60_000)));
      const after = before.map((e) => ({ ...e, receivedAt: new Date(boundary.getTime() + 60_000).toISOString() }));
      const [a, b] = await Promise.all([insertEvents(client, before, once), insertEvents(other, after, once)]);
      expect(a.written + b.written).toBe(50);
      for (const e of before.slice(0, 5)) expect(await rows(e.id)).toHaveLength(1);
      const { rows: total } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE id = ANY($1)", [
        before.map((e) => e.id),
      ]);
      expect(total[0]!.n).toBe(50);
    } finally {
      await other.end();
    }
  });

  it("writes an id into the next generation too only when it is received in its generation's last window", async () => {
    const gens = await generations();
    const gen1 = gens[1]!.firstDay;
    const ledgerRows = async (id: string) =>
      (
        await client.query<{ g: number }>("SELECT generation AS g FROM event_ids WHERE source = 'life' AND id = $1 ORDER BY 1", [id])
      ).rows.map((r) => r.g);
    const head = event(plusDays(gen1, -gens[0]!.windowDays - 1));
    const tail = event(plusDays(gen1, -gens[0]!.windowDays));
    expect((await insertEvents(client, [head, tail], { firstDeliveries: 2, redeliveries: 0 })).written).toBe(2);
    expect(await ledgerRows(head.id)).toEqual([0]);
    expect(await ledgerRows(tail.id)).toEqual([0, 1]);
    // A copy of the head's id a window later is in the tail, still generation 0: a duplicate.
    const copy = { ...head, receivedAt: plusDays(new Date(head.receivedAt), gens[0]!.windowDays).toISOString() };
    expect((await insertEvents(client, [copy], once)).written).toBe(0);
  });

  it("writes a copy again only after its id's generations have passed: the window is at least one generation", async () => {
    const gens = await generations();
    const gen1 = gens[1]!.firstDay;
    const gen2 = gens[2]!.firstDay;
    const original = event(plusDays(gen1, -1));
    expect((await insertEvents(client, [original], once)).written).toBe(1);
    // Inside the window (the next generation, however far into it): a duplicate.
    expect((await insertEvents(client, [{ ...original, receivedAt: plusDays(gen2, -1).toISOString() }], once)).written).toBe(0);
    // Two generations on, the ledger has been told of the id by its last copy (generations 1 and 2): still a duplicate.
    expect((await insertEvents(client, [{ ...original, receivedAt: plusDays(gen2, 1).toISOString() }], once)).written).toBe(0);
    // An id seen only in generation 0 meets nothing in generations 2 and 3: past the window, the copy is written again.
    const lone = event(plusDays(gen1, -1));
    expect((await insertEvents(client, [lone], once)).written).toBe(1);
    expect((await insertEvents(client, [{ ...lone, receivedAt: gen2.toISOString() }], once)).written).toBe(1);
    expect(await rows(lone.id)).toHaveLength(2);
  });

  it("creates the partition of a day that has none when a row arrives for it, without waiting for the cron", async () => {
    const far = plusDays(dayStart(firstDay), 40);
    const e = event(new Date(far.getTime() + 3_600_000));
    expect((await insertEvents(client, [e], once)).written).toBe(1);
    expect(await rows(e.id)).toEqual([dayName(far)]);
    const { rows: defaults } = await client.query(
      "SELECT 1 FROM pg_partition_tree('events') t JOIN pg_class c ON c.oid = t.relid WHERE c.relname ~ 'default'",
    );
    expect(defaults).toEqual([]);
  });

  it("drops whole partitions past retention, keeps the rollup deltas, and answers a lookup of a dropped event as expired", async () => {
    const day = plusDays(firstDay, 2);
    await maintain(day);
    const e = event(new Date(day.getTime() + 3_600_000));
    expect((await insertEvents(client, [e], once)).written).toBe(1);
    const deltas = async () =>
      (await client.query<{ n: number }>("SELECT coalesce(sum(count), 0)::int AS n FROM rollup_deltas WHERE source = 'life'")).rows[0]!.n;
    const deltasBefore = await deltas();
    expect((await getEvent(prisma, "life", e.id)).event?.id).toBe(e.id);

    const report = await maintain(plusDays(day, 20), { retentionDays: 15 });
    expect(report.dropped).toBeGreaterThan(0);
    const tables = async () =>
      (
        await client.query<{ relname: string }>(
          "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND (relname ~ '^(expired_)?events_(p|history)' OR relname ~ '^(expired_)?event_ids_g')",
        )
      ).rows.map((r) => r.relname);
    const partitions = async () =>
      (
        await client.query<{ relname: string }>("SELECT c.relname FROM pg_partition_tree('events') t JOIN pg_class c ON c.oid = t.relid")
      ).rows.map((r) => r.relname);
    // Taken out of events at once; the tables themselves wait for the drop step, in transactions of their own.
    expect(await partitions()).not.toContain(dayName(day));
    expect(await partitions()).not.toContain("events_history");
    expect(await partitions()).toContain(dayName(plusDays(day, 6)));
    expect(await tables()).toEqual(expect.arrayContaining([`expired_${dayName(day)}`, "expired_events_history"]));
    const dropped = await dropExpiredTables(sql());
    expect(dropped).toEqual(expect.arrayContaining([`expired_${dayName(day)}`, "expired_events_history"]));
    expect(dropped).toEqual([...dropped].sort());
    expect((await tables()).filter((t) => t.startsWith("expired_"))).toEqual([]);
    expect(await tables()).not.toContain(dayName(day));
    expect(await dropExpiredTables(sql())).toEqual([]);
    const life = await readEventLifecycle(sql());
    expect(life.expiredBefore!.getTime()).toBeGreaterThanOrEqual(plusDays(day, 1).getTime());
    expect(life.historyBefore).toBeNull();
    expect(await deltas()).toBe(deltasBefore);
    expect(await getEvent(prisma, "life", e.id)).toEqual({ event: null, expired: true });
    expect(await getEvent(prisma, "life", "never-sent")).toEqual({ event: null, expired: false });
  });

  it("takes out a ledger generation's partition once the generation after it has begun, and the drop step drops it", async () => {
    const [first, second] = await generations();
    const expiredTables = async () =>
      (await client.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname LIKE 'expired\\_%'")).rows.map((r) => r.relname);
    await maintain(plusDays(second!.firstDay, 1), { retentionDays: 15 });
    expect((await generations())[0]!.generation).toBe(second!.generation);
    expect(await expiredTables()).toContain(`expired_event_ids_g${first!.generation}`);
    expect(await dropExpiredTables(sql())).toContain(`expired_event_ids_g${first!.generation}`);
    expect(await expiredTables()).toEqual([]);
  });
});
