// Races on a real PostgreSQL: writers on connections of their own, two cron
// runs refreshing the same definitions at once, and an operator replacing
// one while events flow. Afterwards each definition's data equals the GROUP
// BY from scratch, and the cells of replaced versions are purged.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgRawSql } from "../../scripts/db/pg-raw-sql.ts";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { purgeRetiredCells } from "../../src/consumer/db/rollup-definitions/purge-retired-cells.ts";
import { readDefinitions } from "../../src/consumer/db/rollup-definitions/read-definitions.ts";
import { refreshDefinition } from "../../src/consumer/db/rollup-definitions/refresh-definition.ts";
import type { RollupDefinition } from "../../src/consumer/rollups/user-defined/definition-schema.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { deployment, FIRST, plusDays, REDELIVERY } from "../db/support/deployment.ts";
import { dataOf, expectedOf, refreshToCurrent, save } from "./support/rollup-harness.ts";

let server: RealPostgres;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" });
}, 60_000);
afterAll(() => server?.stop());

const WRITERS = 6;
const BATCHES = 30;

function event(w: number, b: number, i: number, receivedAt: Date): EventMessage {
  return {
    v: 1,
    source: "shop",
    id: `w${w}-b${b}-${i}`,
    type: i % 3 === 0 ? "refund" : "order.paid",
    // Late and spread: hours over the last ten days.
    occurredAt: new Date(receivedAt.getTime() - ((w * 7 + b * 13 + i) % 240) * 3_600_000).toISOString(),
    receivedAt: receivedAt.toISOString(),
    payload: { amount: (i % 7) + 0.25, user: `u${(w + i) % 9}`, country: ["US", "DE", "FR"][i % 3] },
  };
}

const DEFINITIONS: Record<string, unknown> = {
  by_country: {
    granularity: "hour",
    timeZone: "Europe/Berlin",
    dimensions: { country: "/payload/country" },
    measures: { orders: "count", revenue: { sum: "/payload/amount" }, buyers: { distinct: "/payload/user" } },
  },
  paid: { type: "order.*", granularity: "day", timeZone: "America/New_York", measures: { largest: { max: "/payload/amount" } } },
};

describe("rollups under concurrency", () => {
  it("stay exact with writers, two cron runs and a replace racing", async () => {
    const d = await deployment(server);
    const extra: pg.Client[] = [];
    try {
      await d.maintain(d.day0, {});
      for (const [name, def] of Object.entries(DEFINITIONS)) await save(d.client, name, def);
      const receivedAt = plusDays(d.day0, 1);
      let writing = true;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        const c = await d.connect();
        for (let b = 0; b < BATCHES; b++) {
          const batch = Array.from({ length: 20 }, (_, i) => event(w, b, i, receivedAt));
          await d.write(batch, FIRST, c);
          if (b % 4 === 0) await d.write(batch, REDELIVERY, c); // a redelivery: never counted twice
        }
      });
      const crons = Array.from({ length: 2 }, async () => {
        const c = await d.connect();
        extra.push(c);
        let steps = 0;
        while (writing || steps < 4) {
          for (const name of Object.keys(DEFINITIONS)) {
            const step = await refreshDefinition(c, name, { backfillDays: 1, timeoutMs: 30_000 });
            expect(["backfill", "run", "busy"]).toContain(step.phase);
          }
          steps++;
        }
      });
      const operator = (async () => {
        const c = await d.connect();
        await new Promise<void>((resolve) => setImmediate(resolve));
        // Replaced while events flow: the new version backfills what came before and runs from there.
        await save(c, "by_country", { ...(DEFINITIONS.by_country as object), timeZone: "Asia/Kathmandu" });
      })();
      await Promise.all([...writers, operator]);
      writing = false;
      await Promise.all(crons);
      for (const name of Object.keys(DEFINITIONS)) {
        await refreshToCurrent(d.client, name);
        const [def] = await readDefinitions(pgRawSql(d.client), name);
        expect([...(await dataOf(d.client, name)).entries()].sort(), name).toEqual(
          [...(await expectedOf(d.client, def!.definition as RollupDefinition)).entries()].sort(),
        );
      }
      expect(Number((await d.client.query("SELECT count(*) AS n FROM events")).rows[0].n)).toBe(WRITERS * BATCHES * 20);
      // The replaced version's cells go, chunk by chunk; the live ones stay.
      while ((await purgeRetiredCells(pgRawSql(d.client), 50)).versions > 0);
      const { rows } = await d.client.query(
        "SELECT count(*)::int AS n FROM rollup_cells c WHERE NOT EXISTS (SELECT 1 FROM rollup_definitions d WHERE d.cells_id = c.rollup_id)",
      );
      expect(rows[0].n).toBe(0);
      expect((await d.client.query("SELECT count(*)::int AS n FROM rollup_retired_cells")).rows[0].n).toBe(0);
    } finally {
      await d.close();
    }
  }, 120_000);
});
