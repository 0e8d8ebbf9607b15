// A deployment's database on the test's real PostgreSQL, in a database of its
// own, with the dates a deployment sees over months passed to the cron's own
// functions as parameters: time moves by argument, never by waiting.
import pg from "pg";
import { applyMigrations } from "../../../scripts/db/migrate.ts";
import { pgRawSql } from "../../../scripts/db/pg-raw-sql.ts";
import type { RealPostgres } from "../../../scripts/lib/real-postgres.ts";
import type { EventLifecycleConfig } from "../../../src/consumer/consumer-env.ts";
import { dropExpiredTables } from "../../../src/consumer/db/drop-expired-tables.ts";
import { type DeliveryCounts, type InsertReport, insertEvents } from "../../../src/consumer/db/insert-events.ts";
import { maintainEvents } from "../../../src/consumer/db/maintain-events.ts";
import type { EventMessage } from "../../../src/shared/events/event-message.ts";
import { DAY_MS } from "../../../src/shared/lib/time.ts";

let databases = 0;

export const plusDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);

export const FIRST = { firstDeliveries: 1, redeliveries: 0 } satisfies DeliveryCounts;
export const REDELIVERY = { firstDeliveries: 0, redeliveries: 1 } satisfies DeliveryCounts;

/** An event of source "life" received at `receivedAt` (occurring then too). */
export function lifeEvent(id: string, receivedAt: Date, type = "t"): EventMessage {
  const at = receivedAt.toISOString();
  return { v: 1, source: "life", id, type, occurredAt: at, receivedAt: at, payload: { id } };
}

/** The same event as a client's resend: a new request, so a new receipt. */
export const resent = (e: EventMessage, receivedAt: Date): EventMessage => ({ ...e, receivedAt: receivedAt.toISOString() });

export interface Deployment {
  url: string;
  client: pg.Client;
  /** The first receipt day with partitions of its own (the history holds everything before). */
  day0: Date;
  /** A new connection (a writer of its own); closed with the deployment. */
  connect(): Promise<pg.Client>;
  /** The cron's upkeep on `today`, then its drop of what it took out. */
  maintain(today: Date, config: Partial<EventLifecycleConfig>): Promise<void>;
  /** The consumer's statement, one delivery kind for the whole batch. */
  write(events: EventMessage[], deliveries?: DeliveryCounts, client?: pg.Client): Promise<InsertReport>;
  /** Rows of `events` with this id. */
  rows(id: string): Promise<number>;
  /** Events counted in the rollup deltas (every row a statement inserted, however old its day). */
  counted(): Promise<number>;
  close(): Promise<void>;
}

export async function deployment(server: RealPostgres, prepare?: (url: string) => Promise<void>): Promise<Deployment> {
  const url = await server.createDatabase(`deployment_${++databases}`);
  if (prepare) await prepare(url);
  await applyMigrations(url);
  const clients: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client(url);
    c.on("error", () => {});
    await c.connect();
    clients.push(c);
    return c;
  };
  const client = await connect();
  const one = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0] as T;
  const { day0 } = await one<{ day0: Date }>("SELECT history_before AS day0 FROM event_lifecycle");
  return {
    url,
    client,
    day0,
    connect,
    async maintain(today, config) {
      await maintainEvents(pgRawSql(client), today, {
        partitionsAheadDays: config.partitionsAheadDays ?? 7,
        retentionDays: config.retentionDays ?? null,
        dedupeWindowDays: config.dedupeWindowDays ?? 90,
      });
      await dropExpiredTables(pgRawSql(client));
    },
    write: (events, deliveries = { firstDeliveries: events.length, redeliveries: 0 }, c = client) => insertEvents(c, events, deliveries),
    rows: async (id) => (await one<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE source = 'life' AND id = $1", [id])).n,
    counted: async () => (await one<{ n: number }>("SELECT coalesce(sum(count), 0)::int AS n FROM rollup_deltas WHERE source = 'life'")).n,
    async close() {
      await Promise.all(clients.map((c) => c.end()));
    },
  };
}
