// Rollups that users define, on a real PostgreSQL: random definitions over
// random event streams (copies of every kind, late events, times around DST
// changes in several zones), created and replaced while events flow; after
// the cron catches up, each one's data equals the GROUP BY computed from
// scratch by the oracle (support/oracle.ts). Seeded: a failure names its seed.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { pgRawSql } from "../../scripts/db/pg-raw-sql.ts";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import type { Database } from "../../src/consumer/db/client.ts";
import { readDefinitions } from "../../src/consumer/db/rollup-definitions/read-definitions.ts";
import { refreshDefinition } from "../../src/consumer/db/rollup-definitions/refresh-definition.ts";
import { refreshDefinitions } from "../../src/consumer/rollups/refresh-definitions.ts";
import type { RollupDefinition } from "../../src/consumer/rollups/user-defined/definition-schema.ts";
import { DistinctLimitError } from "../../src/shared/errors/distinct-limit-error.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { deployment, FIRST, plusDays, REDELIVERY } from "../db/support/deployment.ts";
import { prng } from "../support/prng.ts";
import { skipped } from "./support/oracle.ts";
import { dataOf, expectedOf, refreshToCurrent, save } from "./support/rollup-harness.ts";

let server: RealPostgres;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" }); // correctness, not durability
}, 60_000);
afterAll(() => server?.stop());

const ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kathmandu", "Australia/Adelaide"];
/** Instants near daylight saving changes (New York's end and start, Berlin's end, Adelaide's end). */
const AROUND = ["2026-11-01T06:00:00Z", "2026-03-08T07:00:00Z", "2026-10-25T01:00:00Z", "2026-04-04T16:30:00Z"].map(Date.parse);

type Rand = ReturnType<typeof prng>;

function randomDefinition(r: Rand): Record<string, unknown> {
  const dims: Record<string, string> = {};
  for (const [name, p] of [
    ["country", "/payload/country"],
    ["kind", "/type"],
    ["shop", "/source"],
  ] as const) {
    if (r.next() < 0.4) dims[name] = p;
  }
  const measures: Record<string, unknown> = {};
  const choices: [string, unknown][] = [
    ["orders", "count"],
    ["revenue", { sum: "/payload/amount" }],
    ["smallest", { min: "/payload/amount" }],
    ["largest", { max: "/payload/amount" }],
    ["buyers", { distinct: "/payload/user" }],
  ];
  for (const [name, m] of choices) if (r.next() < 0.6) measures[name] = m;
  if (Object.keys(measures).length === 0) measures.orders = "count";
  return {
    ...(r.next() < 0.3 ? { source: "shop" } : {}),
    ...(r.next() < 0.3 ? { type: r.pick(["order.*", "order.paid", "refund"]) } : {}),
    granularity: r.pick(["hour", "day"]),
    timeZone: r.pick(ZONES),
    dimensions: dims,
    measures,
  };
}

function randomEvent(r: Rand, n: number, receivedAt: Date): EventMessage {
  const occurred = new Date(r.pick(AROUND) + (r.next() - 0.5) * 72 * 3_600_000);
  const payload: Record<string, unknown> = {};
  const country = r.pick(["US", "DE", null, undefined]);
  if (country !== undefined) payload.country = country;
  const amount = r.pick([r.int(100), r.int(10_000) / 100, "12", undefined, -r.int(50)]);
  if (amount !== undefined) payload.amount = amount;
  const user = r.pick(["u1", "u2", "u3", "u4", 7, undefined]);
  if (user !== undefined) payload.user = user;
  return {
    v: 1,
    source: r.pick(["shop", "blog"]),
    id: `e${n}`,
    type: r.pick(["order.created", "order.paid", "refund"]),
    occurredAt: occurred.toISOString(),
    receivedAt: receivedAt.toISOString(),
    payload,
  };
}

async function expectExact(client: import("pg").Client, name: string, seed: number) {
  const [d] = await readDefinitions(pgRawSql(client), name);
  const def = d!.definition as RollupDefinition;
  const expected = await expectedOf(client, def);
  const data = await dataOf(client, name);
  expect([...data.entries()].sort(), `seed ${seed}, ${name}: ${JSON.stringify(def)}`).toEqual([...expected.entries()].sort());
  const { rows } = await client.query<{ source: string; id: string; type: string; occurred_at: Date; payload: Record<string, unknown> }>(
    "SELECT source, id, type, occurred_at, payload FROM events",
  );
  const events = rows.map((x) => ({ source: x.source, id: x.id, type: x.type, occurredAt: x.occurred_at, payload: x.payload }));
  expect(d!.skipped, `seed ${seed}, ${name} skipped`).toBe(skipped(def, events));
  expect(d!.state).toBe("current");
}

describe("rollups users define equal a from-scratch GROUP BY", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "seed %i: copies, late events, DST, definitions created and replaced while events flow",
    async (seed) => {
      const r = prng(seed);
      const d = await deployment(server);
      try {
        await d.maintain(d.day0, {});
        const sent: EventMessage[] = [];
        const batches: EventMessage[][] = [];
        let n = 0;
        for (let b = 0; b < 14; b++) {
          const receivedAt = plusDays(d.day0, r.next() * 3);
          const kind = b > 0 ? r.pick(["new", "new", "redelivery", "resend"]) : "new";
          if (kind === "redelivery") {
            await d.write(r.pick(batches), REDELIVERY);
          } else if (kind === "resend") {
            // A client's resend: new requests, new receipts; the ledger knows the ids.
            await d.write(
              Array.from({ length: 10 }, () => ({ ...r.pick(sent), receivedAt: receivedAt.toISOString() })),
              FIRST,
            );
          } else {
            const batch = Array.from({ length: 25 }, () => randomEvent(r, n++, receivedAt));
            batches.push(batch);
            sent.push(...batch);
            await d.write(batch, FIRST);
          }
          if (b === 3) {
            await save(d.client, "r0", randomDefinition(r));
            await save(d.client, "r1", randomDefinition(r));
          }
          if (b === 8) {
            await save(d.client, "r2", randomDefinition(r));
            await save(d.client, "r1", randomDefinition(r)); // replaced: a new version, backfilled anew
          }
          if (b > 3 && r.next() < 0.6) await refreshToCurrent(d.client, r.pick(["r0", "r1"]));
        }
        expect(Number((await d.client.query("SELECT count(*) AS n FROM events")).rows[0].n)).toBe(n); // one row per id
        for (const name of ["r0", "r1", "r2"]) {
          await refreshToCurrent(d.client, name);
          await expectExact(d.client, name, seed);
        }
      } finally {
        await d.close();
      }
    },
    60_000,
  );
});

describe("buckets across daylight saving time", () => {
  it("count the repeated hour at DST's end as two buckets and the 25-hour local day as one", async () => {
    const d = await deployment(server);
    try {
      await d.maintain(d.day0, {});
      const at = (id: string, occurredAt: string): EventMessage => ({
        v: 1,
        source: "shop",
        id,
        type: "order.paid",
        occurredAt,
        receivedAt: plusDays(d.day0, 0.5).toISOString(),
        payload: { amount: 1 },
      });
      // 01:30 EDT and 01:30 EST on 2026-11-01 (New York falls back at 06:00Z); 23:30 local that day is 04:30Z on the 2nd.
      await d.write([at("a", "2026-11-01T05:30:00Z"), at("b", "2026-11-01T06:30:00Z"), at("c", "2026-11-02T04:30:00Z")]);
      await save(d.client, "hours", { granularity: "hour", timeZone: "America/New_York", measures: { orders: "count" } });
      await save(d.client, "days", { granularity: "day", timeZone: "America/New_York", measures: { orders: "count" } });
      await refreshToCurrent(d.client, "hours");
      await refreshToCurrent(d.client, "days");
      expect([...(await dataOf(d.client, "hours")).values()]).toEqual([
        { bucket: "2026-11-01T01:00:00-04:00", orders: 1 },
        { bucket: "2026-11-01T01:00:00-05:00", orders: 1 },
        { bucket: "2026-11-01T23:00:00-05:00", orders: 1 },
      ]);
      expect([...(await dataOf(d.client, "days")).values()]).toEqual([{ bucket: "2026-11-01T00:00:00-04:00", orders: 3 }]);
    } finally {
      await d.close();
    }
  });
});

describe("rollup data outlives the events", () => {
  it("keeps what it counted when retention drops the events, and goes on counting new ones", async () => {
    const d = await deployment(server);
    try {
      await d.maintain(d.day0, {});
      const on = (id: string, day: number): EventMessage => ({
        v: 1,
        source: "shop",
        id,
        type: "order.paid",
        occurredAt: plusDays(d.day0, day).toISOString(),
        receivedAt: plusDays(d.day0, day).toISOString(),
        payload: { amount: 2 },
      });
      await d.write([on("a", 0.5), on("b", 0.5)]);
      await save(d.client, "daily", { granularity: "day", measures: { orders: "count", revenue: { sum: "/payload/amount" } } });
      await refreshToCurrent(d.client, "daily");
      const before = [...(await dataOf(d.client, "daily")).values()];
      expect(before).toEqual([{ bucket: expect.any(String), orders: 2, revenue: 4 }]);
      // Thirty days on, with 15 days of retention: the first day's events are gone.
      for (let day = 1; day <= 30; day++) await d.maintain(plusDays(d.day0, day), { retentionDays: 15 });
      expect(Number((await d.client.query("SELECT count(*) AS n FROM events")).rows[0].n)).toBe(0);
      await d.write([on("c", 30.5)]);
      await refreshToCurrent(d.client, "daily");
      const after = [...(await dataOf(d.client, "daily")).values()];
      expect(after).toEqual([before[0], { bucket: expect.any(String), orders: 1, revenue: 2 }]);
    } finally {
      await d.close();
    }
  });
});

describe("a definition whose step fails", () => {
  it("is logged and left for the next cron run, and keeps no other definition from its run", async () => {
    const d = await deployment(server);
    try {
      await d.maintain(d.day0, {});
      const at = plusDays(d.day0, 0.5).toISOString();
      await d.write([{ v: 1, source: "shop", id: "x", type: "t", occurredAt: at, receivedAt: at, payload: {} }]);
      await save(d.client, "a_broken", { granularity: "day", measures: { n: "count" } });
      await save(d.client, "b_fine", { granularity: "day", measures: { n: "count" } });
      // A zone Postgres does not know (validation would refuse it; an older tz database than the Workers' might not).
      await d.client.query(
        `UPDATE rollup_definitions SET definition = json_build_object('granularity', 'day', 'timeZone', 'Mars/Olympus', 'dimensions', '{}'::json, 'measures', json_build_object('n', 'count')) WHERE name = 'a_broken'`,
      );
      const database = {
        prisma: pgRawSql(d.client) as unknown as Database["prisma"],
        connect: async () => Object.assign(await d.connect(), { release() {} }) as unknown as pg.PoolClient,
      };
      const report = await refreshDefinitions(database, { budgetMs: 10_000, statementTimeoutMs: 10_000 });
      expect(report.failed).toEqual(["a_broken"]);
      const [broken] = await readDefinitions(pgRawSql(d.client), "a_broken");
      expect(broken).toMatchObject({ state: "backfilling", lastError: expect.stringMatching(/time zone .*Mars\/Olympus/) });
      expect((await readDefinitions(pgRawSql(d.client), "b_fine"))[0]).toMatchObject({ state: "current" });
      expect([...(await dataOf(d.client, "b_fine")).values()]).toEqual([{ bucket: expect.any(String), n: 1 }]);
    } finally {
      await d.close();
    }
  });
});

describe("a distinct measure's cell at its limit", () => {
  it("fails the step, changing nothing, rather than count inexactly; a definition that fits goes on", async () => {
    const d = await deployment(server);
    try {
      await d.maintain(d.day0, {});
      const at = plusDays(d.day0, 0.5).toISOString();
      const order = (id: string, user: unknown): EventMessage => ({
        v: 1,
        source: "shop",
        id,
        type: "order.paid",
        occurredAt: at,
        receivedAt: at,
        payload: { user },
      });
      // Four distinct values (1 and 1.0 are one), a copy, and one event without a user.
      await d.write([order("a", "u1"), order("b", "u2"), order("c", 1), order("d", 1.0), order("e", { id: 7 }), order("f", null)]);
      await d.write([order("a", "u1")], REDELIVERY);
      await save(d.client, "buyers", { granularity: "day", measures: { buyers: { distinct: "/payload/user" } } });
      const toCurrent = async (maxDistinctPerCell: number) => {
        while (!(await refreshDefinition(d.client, "buyers", { backfillDays: 2, timeoutMs: 30_000, maxDistinctPerCell })).current);
      };
      await expect(toCurrent(3)).rejects.toThrow(DistinctLimitError);
      const [stuck] = await readDefinitions(pgRawSql(d.client), "buyers");
      expect(stuck).toMatchObject({ state: "backfilling", rows: 0 });
      expect((await d.client.query("SELECT count(*)::int AS n FROM rollup_distinct_sets")).rows[0].n).toBe(0);
      await toCurrent(4);
      expect([...(await dataOf(d.client, "buyers")).values()]).toEqual([{ bucket: expect.any(String), buyers: 4 }]);
    } finally {
      await d.close();
    }
  });
});

describe("migration 20261205201350_distinct_sets", () => {
  it("turns each cell's distinct values (a row per value) into its set (a row per cell), keeping every value", async () => {
    const [a, b] = ["00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"];
    const d = await deployment(server, async (url) => {
      await applyMigrations(url, "20261205173812_user_rollups");
      const c = new pg.Client(url);
      await c.connect();
      await c.query(
        `INSERT INTO rollup_distinct_values (rollup_id, cell_key, value_key)
         VALUES ($1, '\\x01', '\\x0075'), ($1, '\\x01', '\\x0076'), ($1, '\\x02', '\\x0075'), ($2, '\\x01', '\\x0077')`,
        [a, b],
      );
      await c.end();
    });
    try {
      const { rows } = await d.client.query(
        "SELECT rollup_id::text AS id, encode(cell_key, 'hex') AS cell, array(SELECT encode(k, 'hex') FROM unnest(keys) k ORDER BY 1) AS keys FROM rollup_distinct_sets ORDER BY 1, 2",
      );
      expect(rows).toEqual([
        { id: a, cell: "01", keys: ["0075", "0076"] },
        { id: a, cell: "02", keys: ["0075"] },
        { id: b, cell: "01", keys: ["0077"] },
      ]);
      expect((await d.client.query("SELECT to_regclass('rollup_distinct_values') AS t")).rows[0].t).toBeNull();
    } finally {
      await d.close();
    }
  });
});
