// Exactly once at the edges of time, on a real PostgreSQL (Debian package,
// started here): each kind of copy over simulated months, retention, a window
// of any length and its changes, a cron weeks late. Each case is a deployment
// of its own; the cron's date is a parameter, so months pass in milliseconds.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { BEFORE_PARTITIONING, fillOldLayout } from "../../scripts/db/partitioning-rehearsal.ts";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { deployment, FIRST, lifeEvent, plusDays, REDELIVERY, resent } from "./support/deployment.ts";

let server: RealPostgres;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" }); // correctness, not durability
}, 60_000);
afterAll(() => server?.stop());

const stage = async (client: pg.Client, name: "expired" | "duplicates") =>
  (await client.query<{ n: number }>(`SELECT coalesce(sum(${name}), 0)::int AS n FROM stage_counters`)).rows[0]!.n;
const ledgerRows = async (client: pg.Client, id: string) =>
  (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM event_ids WHERE source = 'life' AND id = $1", [id])).rows[0]!.n;

describe("a copy that keeps its receipt (redelivery, backlog, replay)", () => {
  it.each([
    { window: 90, after: 200 },
    { window: 7, after: 13 },
  ])("is never a second row, even after the ledger forgot its id (window $window, $after days later)", async ({ window, after }) => {
    const d = await deployment(server);
    try {
      const config = { dedupeWindowDays: window };
      await d.maintain(d.day0, config);
      const e = lifeEvent(`copy-${window}`, plusDays(d.day0, 0.5));
      expect((await d.write([e])).written).toBe(1);
      for (let t = 1; t <= after; t += window === 7 ? 1 : 10) await d.maintain(plusDays(d.day0, t), config);
      await d.maintain(plusDays(d.day0, after), config);
      expect(await ledgerRows(d.client, e.id)).toBe(0); // the generations that held it are gone
      expect((await d.write([e], REDELIVERY)).written).toBe(0);
      expect((await d.write([e], FIRST)).written).toBe(0); // a replay counts as no delivery at all: the same statement
      expect(await d.rows(e.id)).toBe(1);
      expect(await d.counted()).toBe(1);
    } finally {
      await d.close();
    }
  });

  it("of an event written before partitioning is never a second row, 215 days on", async () => {
    const d = await deployment(server, async (url) => {
      await applyMigrations(url, BEFORE_PARTITIONING);
      const c = new pg.Client(url);
      await c.connect();
      await fillOldLayout(c, 100);
      await c.end();
    });
    try {
      const { rows } = await d.client.query("SELECT source, id, type, occurred_at, received_at FROM events_history WHERE id = 'old-7'");
      const old = rows[0]!;
      const copy = {
        v: 1 as const,
        source: old.source,
        id: old.id,
        type: old.type,
        occurredAt: old.occurred_at.toISOString(),
        receivedAt: old.received_at.toISOString(),
        payload: {},
      };
      for (let t = 0; t <= 215; t += 5) await d.maintain(plusDays(d.day0, t), {});
      expect((await d.write([copy], REDELIVERY)).written).toBe(0);
      expect((await d.client.query("SELECT 1 FROM events WHERE id = 'old-7'")).rowCount).toBe(1);
    } finally {
      await d.close();
    }
  });
});

describe("a copy whose receipt day is past retention", () => {
  it.each([
    { retentionDays: 30, dedupeWindowDays: 90 },
    { retentionDays: 400, dedupeWindowDays: 7 },
  ])("is neither stored nor counted, and the statement says so ($retentionDays days kept, window $dedupeWindowDays)", async (config) => {
    const d = await deployment(server);
    try {
      await d.maintain(d.day0, config);
      const e = lifeEvent("expired", plusDays(d.day0, 0.25));
      expect((await d.write([e])).written).toBe(1);
      const later = config.retentionDays + 170;
      for (let t = 10; t <= later; t += 10) await d.maintain(plusDays(d.day0, t), config);
      expect(await d.rows(e.id)).toBe(0);

      const report = await d.write([e, lifeEvent("fresh", plusDays(d.day0, later))], { firstDeliveries: 0, redeliveries: 2 });
      expect(report).toMatchObject({ written: 1, expired: 1 });
      expect(report.expiredBefore!.getTime()).toBeGreaterThan(new Date(e.receivedAt).getTime());
      expect(await d.rows(e.id)).toBe(0);
      expect(await d.counted()).toBe(2); // the original and "fresh": the copy never
      expect(await stage(d.client, "expired")).toBe(1);
      // Nowhere to hide: no default partition a later run would empty.
      const { rows: parts } = await d.client.query<{ name: string }>(
        "SELECT c.relname AS name FROM pg_partition_tree('events') t JOIN pg_class c ON c.oid = t.relid WHERE c.relname ~ 'default'",
      );
      expect(parts).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it("is never counted when it races the run that takes its day out", async () => {
    const d = await deployment(server);
    const config = { retentionDays: 15, dedupeWindowDays: 7 };
    try {
      await d.maintain(d.day0, config);
      const originals = Array.from({ length: 400 }, (_, i) => lifeEvent(`race-${i}`, plusDays(d.day0, 0.5)));
      for (let i = 0; i < originals.length; i += 100) await d.write(originals.slice(i, i + 100));
      for (let t = 1; t <= 16; t++) await d.maintain(plusDays(d.day0, t), config);
      // Day 0 leaves on day 16: copies of its events keep coming from 8 writers while that run takes it out.
      const writers = await Promise.all(Array.from({ length: 8 }, () => d.connect()));
      let running = true;
      let written = 0;
      const copying = writers.map(async (c, w) => {
        for (let round = 0; running || round < 3; round++) {
          const batch = originals.filter((_, i) => i % 8 === (w + round) % 8);
          const report = await d.write(batch, { firstDeliveries: 0, redeliveries: batch.length }, c);
          written += report.written;
        }
      });
      await d.maintain(plusDays(d.day0, 17), config);
      running = false;
      await Promise.all(copying);
      expect(written).toBe(0);
      expect(await d.counted()).toBe(originals.length);
      expect((await d.client.query("SELECT 1 FROM events WHERE source = 'life'")).rowCount).toBe(0);
    } finally {
      await d.close();
    }
  });
});

describe("a client's resend (a new receipt)", () => {
  it.each([7, 30, 90, 365, 3650])(
    "is a duplicate for the whole window, from the first day after migration (window %i days)",
    async (window) => {
      const d = await deployment(server);
      const config = { dedupeWindowDays: window };
      const step = Math.max(1, Math.floor(window / 20));
      try {
        await d.maintain(d.day0, config);
        const originals = Array.from({ length: 50 }, (_, i) => lifeEvent(`w${window}-${i}`, plusDays(d.day0, 1 + i / 50)));
        expect((await d.write(originals)).written).toBe(50);
        for (let t = 1; t <= window + 2; t += step) await d.maintain(plusDays(d.day0, t), config);
        // Each resent a whole window after its own receipt, and once halfway.
        const late = originals.map((e) => resent(e, plusDays(new Date(e.receivedAt), window)));
        const halfway = originals.map((e) => resent(e, plusDays(new Date(e.receivedAt), window / 2)));
        expect((await d.write(halfway)).written).toBe(0);
        expect((await d.write(late)).written).toBe(0);
        for (const e of originals.slice(0, 5)) expect(await d.rows(e.id)).toBe(1);
      } finally {
        await d.close();
      }
    },
    60_000,
  );

  it.each([
    { from: 90, to: 365 },
    { from: 90, to: 7 },
    { from: 7, to: 30 },
  ])("is a duplicate for the new window once it changes, $from → $to days", async ({ from, to }) => {
    const d = await deployment(server);
    try {
      for (let t = 0; t <= 100; t += 5) await d.maintain(plusDays(d.day0, t), { dedupeWindowDays: from });
      const change = plusDays(d.day0, 101);
      await d.maintain(change, { dedupeWindowDays: to });
      // Written the day after the change, resent a whole new window later, with the cron keeping up.
      const originals = Array.from({ length: 40 }, (_, i) => lifeEvent(`c${from}-${to}-${i}`, plusDays(change, 1 + i / 40)));
      expect((await d.write(originals)).written).toBe(40);
      for (let t = 1; t <= to + 2; t += Math.max(1, Math.floor(to / 20))) await d.maintain(plusDays(change, t), { dedupeWindowDays: to });
      const late = originals.map((e) => resent(e, plusDays(new Date(e.receivedAt), to)));
      expect((await d.write(late)).written).toBe(0);
      // And the ledger follows the setting: new generations are planned with it.
      const { rows } = await d.client.query<{ w: number }>(
        "SELECT window_days AS w FROM event_id_generations WHERE first_day > $1::date ORDER BY generation",
        [change.toISOString().slice(0, 10)],
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.w).toBe(to);
    } finally {
      await d.close();
    }
  });
});

describe("a cron that is late", () => {
  it("never fails a write, and its first run afterwards recovers with writers racing it", async () => {
    const d = await deployment(server);
    const config = { dedupeWindowDays: 7, retentionDays: 30 };
    try {
      await d.maintain(d.day0, config);
      const writers = await Promise.all(Array.from({ length: 3 }, () => d.connect()));
      let seq = 0;
      const day = (t: number) => Array.from({ length: 30 }, () => lifeEvent(`late-${seq++}`, plusDays(d.day0, t + Math.random())));
      const sent: string[] = [];
      // 60 days without upkeep, writes every day: today's events, and yesterday's redelivered.
      for (let t = 1; t <= 60; t++) {
        const events = day(t);
        sent.push(...events.map((e) => e.id));
        expect((await d.write(events)).written).toBe(events.length);
        expect((await d.write(events.slice(0, 5), REDELIVERY)).written).toBe(0);
      }
      // Then upkeep daily again, three writers writing "today" while it runs.
      for (let t = 61; t <= 72; t++) {
        const batches = writers.map(() => day(t));
        for (const b of batches) sent.push(...b.map((e) => e.id));
        const results = await Promise.all([
          d.maintain(plusDays(d.day0, t), config),
          ...batches.map((b, i) => d.write(b, undefined, writers[i])),
          ...batches.map((b, i) => d.write(b.slice(0, 10), REDELIVERY, writers[(i + 1) % writers.length])),
        ]);
        // A batch's redelivery may come first: between them, each event is written once.
        expect(results.slice(1).reduce((n, r) => n + r!.written, 0)).toBe(90);
      }
      // Retention took out days 0…41; every event received since is there once.
      const kept = await d.client.query<{ id: string; n: number }>(
        "SELECT id, count(*)::int AS n FROM events WHERE source = 'life' GROUP BY id HAVING count(*) > 1",
      );
      expect(kept.rows).toEqual([]);
      const { rows } = await d.client.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE received_at >= $1", [
        plusDays(d.day0, 72 - 30),
      ]);
      expect(rows[0]!.n).toBeGreaterThan(0);
      expect(await d.counted()).toBe(sent.length);
    } finally {
      await d.close();
    }
  }, 120_000);
});

describe("32 writers and the cron", () => {
  it("never deadlock, whatever the mix of first deliveries, redeliveries and resends, and leave one row per id", async () => {
    const d = await deployment(server);
    const config = { dedupeWindowDays: 7 };
    const WRITERS = 32;
    try {
      await d.maintain(d.day0, config);
      const writers = await Promise.all(Array.from({ length: WRITERS }, () => d.connect()));
      const failures: string[] = [];
      const ids = new Set<string>();
      let written = 0;
      // Eighteen days: the ledger's generations (14 days at a 7-day window) roll over, partitions come and go.
      for (let t = 1; t <= 18; t++) {
        const today = plusDays(d.day0, t);
        // Ids live within three-day spans, shorter than the window: every later copy must be a duplicate.
        const span = Math.floor(t / 3);
        const work = writers.map(async (c, w) => {
          for (let b = 0; b < 3; b++) {
            const batch = Array.from({ length: 40 }, (_, i) => {
              const id = `s${span}-${(w * 7 + b * 13 + i * 17) % 300}`;
              ids.add(id);
              // The same receipt for every writer of a span (a copy), or today's (a resend).
              const at = (w + i) % 3 === 0 ? plusDays(d.day0, span * 3 + 0.5) : plusDays(today, i / 40);
              return lifeEvent(id, at.getTime() > today.getTime() + 86_400_000 ? today : at);
            });
            const deliveries =
              (w + b) % 2 ? { firstDeliveries: batch.length, redeliveries: 0 } : { firstDeliveries: 0, redeliveries: batch.length };
            try {
              const report = await d.write(batch, deliveries, c);
              written += report.written;
            } catch (err) {
              failures.push(`${(err as { code?: string }).code}: ${(err as Error).message}`);
            }
          }
        });
        await Promise.all([d.maintain(today, config), ...work]);
      }
      expect(failures).toEqual([]);
      const { rows } = await d.client.query<{ rows: number; ids: number }>(
        "SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM events WHERE source = 'life'",
      );
      expect(rows[0]).toEqual({ rows: ids.size, ids: ids.size });
      expect(written).toBe(ids.size);
      expect(await d.counted()).toBe(ids.size);
    } finally {
      await d.close();
    }
  }, 180_000);
});
