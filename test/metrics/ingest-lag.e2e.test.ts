// The ingest → row lag, end to end on the local stack: the database is held
// (a transaction owns the embedded Postgres's one session) while events are
// accepted, then released; the lag histogram GET /metrics exposes counts them
// as at least as slow as the hold, and GET /admin/stats' last-hour quantiles
// say so too. The hold is a wait, not an assertion on time.
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, startE2eStack } from "../support/e2e-stack.ts";
import { eventually } from "../support/eventually.ts";

const HOLD_MS = 4_000;
const EVENTS = 5;

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack("lag");
});
afterAll(() => e2e?.stop());

const admin = (path: string) =>
  fetch(`${e2e.stack.opsUrl}${path}`, { headers: { authorization: `Bearer ${e2e.stack.secrets.adminToken}` } });

/** The lag histogram's cumulative buckets (le → count) and its count. */
async function lagHistogram() {
  const families = parsePrometheusTextFormat(await (await admin("/metrics")).text()) as {
    name: string;
    metrics: { count?: string; buckets?: Record<string, string> }[];
  }[];
  const lag = families.find((f) => f.name === "eventline_ingest_lag_seconds")!.metrics[0]!;
  return { count: Number(lag.count), le: (bound: string) => Number(lag.buckets![bound]) };
}

describe("ingest → row lag", () => {
  it("counts events written after a held database as at least as slow as the hold", async () => {
    const before = await lagHistogram();
    const holder = new pg.Client({ connectionString: e2e.stack.directUrl });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT 1");
    const ids = Array.from({ length: EVENTS }, (_, i) => `lag-${Date.now()}-${i}`);
    try {
      const res = await fetch(`${e2e.stack.ingestUrl}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${e2e.stack.secrets.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ events: ids.map((id) => ({ id, type: "lag.test", payload: {} })) }),
      });
      expect(res.status).toBe(202);
      await new Promise((r) => setTimeout(r, HOLD_MS));
    } finally {
      await holder.query("COMMIT");
      await holder.end();
    }
    const rows = await eventually(
      () => e2e.sql("SELECT id FROM events WHERE id = ANY($1)", [ids]),
      (r) => r.length === EVENTS,
      60_000,
      200,
    );
    expect(rows).toHaveLength(EVENTS);

    const after = await lagHistogram();
    expect(after.count - before.count).toBe(EVENTS);
    // Nothing of these was written faster than the hold (2.5 s is the last bound below it).
    expect(after.le("2.5") - before.le("2.5")).toBe(0);
    const stats = (await (await admin("/admin/stats")).json()) as { ingestLagLastHour: { events: number; p50Seconds: number } };
    expect(stats.ingestLagLastHour.events).toBeGreaterThanOrEqual(EVENTS);
    expect(stats.ingestLagLastHour.p50Seconds).toBeGreaterThanOrEqual(2.5);
  });
});
