// scheduled handler, unit style: createScheduledController drives the cron
// run; rollups are computed in the real local database.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import entry from "../../src/index.ts";
import type { Env } from "../../src/env.ts";

// Called as the runtime calls it: (event, env, ctx).
const worker = entry as Required<Pick<ExportedHandler<Env>, "queue" | "scheduled">>;
import { insertEvents } from "../../src/db/insert-events.ts";
import { db, testEnv, uniq } from "../support/worker-db.ts";

describe("scheduled rollup", () => {
  it("rolls up yesterday and today per source and type, and a second run changes nothing", async () => {
    const source = uniq("roll");
    const at = (iso: string, type = "t") => ({ v: 1 as const, source, id: uniq("r"), type, occurredAt: iso, receivedAt: iso, payload: {} });
    await insertEvents(db(), [
      at("2026-11-26T00:00:00.000Z"),
      at("2026-11-26T23:59:59.999Z"),
      at("2026-11-27T00:10:00.000Z"),
      at("2026-11-27T00:11:00.000Z", "u"),
      at("2026-11-25T23:59:59.999Z"), // outside the window
    ]);
    const run = async () => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ scheduledTime: new Date("2026-11-27T00:15:00Z"), cron: "15 0 * * *" }), testEnv, ctx);
      await waitOnExecutionContext(ctx);
      return db().dailyRollup.findMany({ where: { source }, orderBy: [{ day: "asc" }, { type: "asc" }] });
    };
    const rows = await run();
    expect(rows.map((r) => [r.day.toISOString().slice(0, 10), r.type, r.count, r.firstOccurredAt.toISOString(), r.lastOccurredAt.toISOString()])).toEqual([
      ["2026-11-26", "t", 2, "2026-11-26T00:00:00.000Z", "2026-11-26T23:59:59.999Z"],
      ["2026-11-27", "t", 1, "2026-11-27T00:10:00.000Z", "2026-11-27T00:10:00.000Z"],
      ["2026-11-27", "u", 1, "2026-11-27T00:11:00.000Z", "2026-11-27T00:11:00.000Z"],
    ]);
    const again = await run();
    expect(again.map((r) => [r.day, r.type, r.count])).toEqual(rows.map((r) => [r.day, r.type, r.count]));
  });
});
