// scheduled handler (the cron: rollups, then dead-letter retention), unit style with createScheduledController,
// against the real local database: after a cron run the rollup equals a
// direct GROUP BY over events, whatever arrived late or twice.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConsumerEnv } from "../../src/consumer/consumer-env.ts";
import { applyRollupDeltas } from "../../src/consumer/db/apply-rollup-deltas.ts";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import entry from "../../src/consumer/index.ts";
import { runBackfill } from "../../src/consumer/rollups/run-backfill.ts";
import { runRollup } from "../../src/consumer/rollups/run-rollup.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { prng } from "../support/prng.ts";
import { db, sql, testEnv, uniq } from "../support/worker-db.ts";

const worker = entry as Required<Pick<ExportedHandler<ConsumerEnv>, "scheduled">>;

async function cron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "15 0 * * *" }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

type Row = { day: string; type: string; count: number; first: string; last: string };

async function rollupOf(source: string): Promise<Row[]> {
  const rows = await db().dailyRollup.findMany({ where: { source }, orderBy: [{ day: "asc" }, { type: "asc" }] });
  return rows.map((r) => ({
    day: r.day.toISOString().slice(0, 10),
    type: r.type,
    count: r.count,
    first: r.firstOccurredAt.toISOString(),
    last: r.lastOccurredAt.toISOString(),
  }));
}

async function groupByOf(source: string): Promise<Row[]> {
  const rows = await db().$queryRaw<{ day: Date; type: string; count: number; first: Date; last: Date }[]>`
    SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, type, count(*)::int AS count, min(occurred_at) AS first, max(occurred_at) AS last
    FROM events WHERE source = ${source} GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => ({
    day: r.day.toISOString().slice(0, 10),
    type: r.type,
    count: r.count,
    first: r.first.toISOString(),
    last: r.last.toISOString(),
  }));
}

/** Random events around a month boundary, some reusing ids already written. */
function randomEvents(rand: ReturnType<typeof prng>, source: string, n: number, reuse: string[]): EventMessage[] {
  const base = Date.parse("2026-10-29T00:00:00Z"); // spans Oct 29 – Nov 3
  return Array.from({ length: n }, () => {
    const t = new Date(base + rand.int(6 * 86_400_000)).toISOString();
    const id = reuse.length && rand.next() < 0.15 ? rand.pick(reuse) : `p-${rand.int(1e9)}`;
    return { v: 1, source, id, type: rand.pick(["a", "b", "c.d"]), occurredAt: t, receivedAt: t, payload: {} };
  });
}

describe("scheduled rollup", () => {
  it.each([1, 2, 3])("equals a direct GROUP BY after late, duplicate and cross-month events (seed %i)", async (seed) => {
    const rand = prng(seed);
    const source = uniq(`prop${seed}`);
    const ids: string[] = [];
    for (let round = 0; round < 4; round++) {
      // Later rounds land on days that were already rolled up, and repeat ids.
      const batch = randomEvents(rand, source, 20 + rand.int(80), ids);
      for (let i = 0; i < batch.length; i += 100) await insertEvents(sql(), batch.slice(i, i + 100));
      ids.push(...batch.map((e) => e.id));
      await cron();
      expect(await rollupOf(source)).toEqual(await groupByOf(source));
    }
    const before = await db().dailyRollup.findMany({ where: { source }, select: { updatedAt: true, day: true, type: true } });
    await cron(); // nothing pending: nothing changes
    expect(await db().dailyRollup.findMany({ where: { source }, select: { updatedAt: true, day: true, type: true } })).toEqual(before);
  });

  it("drops the tables a maintenance run took out of events, after it, one transaction each", async () => {
    // As a run leaves them when the drop step failed: detached, renamed, still on disk.
    for (const t of ["expired_events_p20200101", "expired_events_p20200102"]) await db().$executeRawUnsafe(`CREATE TABLE ${t} (x int)`);
    const left = () => db().$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'expired\\_%'");
    expect(await left()).toEqual([{ n: 2 }]);
    await cron();
    expect(await left()).toEqual([{ n: 0 }]);
  });

  it("journals each run", async () => {
    const report = await runRollup(db(), { kind: "scheduled", budgetMs: 30_000 });
    const run = await db().rollupRun.findUnique({ where: { id: report.runId } });
    expect(run).toMatchObject({
      kind: "scheduled",
      status: "succeeded",
      deltas: report.deltas,
      rows: report.rows,
      remaining: report.remaining,
    });
    expect(run!.finishedAt).not.toBeNull();
    expect(run!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("after a crash on chunk k, the next run completes and the result is exact", async () => {
    await cron(); // start with no deltas pending
    const source = uniq("crash");
    const rand = prng(99);
    await insertEvents(sql(), randomEvents(rand, source, 100, []));
    let chunk = 0;
    const failing = async (d: Parameters<typeof applyRollupDeltas>[0], limit: number) => {
      if (++chunk === 3) throw new Error("simulated crash on chunk 3");
      return applyRollupDeltas(d, limit);
    };
    await expect(runRollup(db(), { kind: "scheduled", budgetMs: 60_000, chunkSize: 2, step: failing })).rejects.toThrow("simulated crash");
    const failed = await db().rollupRun.findFirst({ where: { status: "failed" }, orderBy: { startedAt: "desc" } });
    expect(failed).toMatchObject({ status: "failed", deltas: 4, error: "simulated crash on chunk 3" });
    expect(await rollupOf(source)).not.toEqual(await groupByOf(source));

    await runRollup(db(), { kind: "scheduled", budgetMs: 60_000, chunkSize: 2 });
    expect(await rollupOf(source)).toEqual(await groupByOf(source));
  });

  it("a backfill while deltas are pending counts each event once, and later deltas still count", async () => {
    await cron();
    const source = uniq("bfpending");
    const other = uniq("bfother");
    const rand = prng(7);
    await insertEvents(sql(), [...randomEvents(rand, source, 60, []), ...randomEvents(rand, other, 30, [])]);
    // The range covers every event of `source`, whose deltas are still pending: the next run must not count them twice.
    await runBackfill(db(), { from: new Date("2026-10-29T00:00:00Z"), to: new Date("2026-11-05T00:00:00Z"), source, budgetMs: 30_000 });
    expect(await db().rollupDelta.count({ where: { source } })).toBeGreaterThan(0);
    await insertEvents(sql(), randomEvents(rand, source, 40, [])); // written after the backfill: adds to the same deltas
    await cron();
    expect(await rollupOf(source)).toEqual(await groupByOf(source));
    expect(await rollupOf(other)).toEqual(await groupByOf(other));
  });
});
