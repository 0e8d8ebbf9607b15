// fetch handler (consumer Worker): what the admin API answers about events that
// retention has dropped. The cron's dropping itself is tested on both databases
// in test/db/event-lifecycle.test.ts; here the database is put in the state it
// leaves (a day's partition gone, expired_before recorded), on days no other
// test file writes, since the files share one database.
import { exports } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import { packedFields } from "../../src/shared/events/event-message.ts";
import { contractChecked } from "../support/contract.ts";
import { TEST_ADMIN_TOKEN, TEST_SOURCES } from "../support/credentials.ts";
import { eventOnDay, eventPacketText } from "../support/packets.ts";
import { batchOf, deliver, event as queueEvent } from "../support/queue-batches.ts";
import { db, sql } from "../support/worker-db.ts";

const worker = { fetch: contractChecked("consumer", (r) => exports.default.fetch(r)) };
const admin = (method: string, path: string, body?: unknown) =>
  worker.fetch(
    new Request(`http://eventline.test${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
const source = TEST_SOURCES.tenantB;
/** A day far ahead of every other test's events, with a partition of its own. */
const DAY = "2031-03-04";

afterAll(async () => {
  await sql().query("UPDATE event_lifecycle SET expired_before = NULL");
});

describe("expired events", () => {
  it("answers a lookup of an event whose day was dropped with 410 event_expired, and one never sent with 404", async () => {
    // The day's partition, as the cron would create it (the cron itself would also move the ledger to 2031).
    await sql().query(
      `CREATE TABLE events_p${DAY.replaceAll("-", "")} PARTITION OF events FOR VALUES FROM ('${DAY}T00:00:00Z') TO ('2031-03-05T00:00:00Z')`,
    );
    const event = eventOnDay(source, DAY, "gone", 1);
    expect((await insertEvents(sql(), [event])).written).toBe(1);
    const kept = await admin("GET", `/admin/events/${source}/${event.id}`);
    expect(kept.status).toBe(200);

    await sql().query(`DROP TABLE events_p${DAY.replaceAll("-", "")}`);
    const gone = await admin("GET", `/admin/events/${source}/${event.id}`);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ code: "event_expired" });
    const never = await admin("GET", `/admin/events/${source}/never-sent-${DAY}`);
    expect(never.status).toBe(404);
    expect(await never.json()).toMatchObject({ code: "not_found" });

    // The console's lookup says the same.
    const login = await exports.default.fetch(
      new Request("https://ops.eventline.test/console/login", {
        method: "POST",
        headers: { origin: "https://ops.eventline.test" },
        body: new URLSearchParams({ token: TEST_ADMIN_TOKEN, next: "/console" }),
        redirect: "manual",
      }),
    );
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const page = await exports.default.fetch(
      new Request(`https://ops.eventline.test/console/events?source=${source}&id=${event.id}`, { headers: { cookie } }),
    );
    const html = await page.text();
    expect(html).toContain('data-lookup-result="expired"');
    expect(html).not.toContain('data-lookup-result="not-stored"');
    const overview = await (await exports.default.fetch(new Request("https://ops.eventline.test/console", { headers: { cookie } }))).text();
    expect(overview).toMatch(/data-dedupe-window[^>]*>\s*90 days/);
  });

  it("refuses a backfill that starts before the first complete day, and runs one from it", async () => {
    // Events received before 2001-01-01 are gone: occurrence day 2001-01-01 may have lost events received on 2000-12-31.
    await sql().query("UPDATE event_lifecycle SET expired_before = '2001-01-01T00:00:00Z'");
    const refused = await admin("POST", "/admin/rollups/backfill", { from: "2001-01-01", to: "2001-01-05", source });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "events_expired", path: "from", firstCompleteDay: "2001-01-02" });
    const allowed = await admin("POST", "/admin/rollups/backfill", { from: "2001-01-02", to: "2001-01-05", source });
    expect(allowed.status).toBe(200);
  });

  it("shows the life cycle in the stats", async () => {
    const res = await admin("GET", "/admin/stats");
    const { eventLifecycle } = (await res.json()) as { eventLifecycle: Record<string, unknown> };
    expect(eventLifecycle).toMatchObject({
      dedupeWindowDays: 90,
      retentionDays: null,
      nextDropDay: null,
      expiredBefore: "2001-01-01T00:00:00.000Z",
    });
    expect(eventLifecycle.dayPartitions).toBeGreaterThan(0);
  });

  it("drops a queue copy of an expired day, counted as expired, and sends a replayed one back to its letter", async () => {
    // Received in 2000: before expired_before (2001-01-01), as retention leaves it.
    await sql().query("UPDATE event_lifecycle SET expired_before = '2001-01-01T00:00:00Z'");
    const expiredStage = async () => Number((await sql().query("SELECT coalesce(sum(expired), 0) AS n FROM stage_counters")).rows[0].n);
    const before = await expiredStage();
    const old = { occurredAt: "2000-06-01T10:00:00.000Z", receivedAt: "2000-06-01T10:00:00.000Z" };
    const copy = queueEvent(source, old);
    const replayed = queueEvent(source, old);
    const replayPacket = eventPacketText(source, "2026-12-05T00:00:00.000Z", [
      JSON.stringify(packedFields(replayed, { keepReceivedAt: true })),
    ]);
    const batch = batchOf([JSON.stringify(copy), replayPacket], 2);
    const result = await deliver(batch);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await db().event.count({ where: { source, id: { in: [copy.id, replayed.id] } } })).toBe(0);
    expect(await expiredStage()).toBe(before + 2);
    expect(await db().deadLetter.findFirst({ where: { source, eventId: replayed.id } })).toMatchObject({
      errorCode: "receipt_day_expired",
      status: "pending",
    });
    expect(await db().deadLetter.findFirst({ where: { source, eventId: copy.id } })).toBeNull();
  });
});
