// queue handler (events consumer), unit style: createMessageBatch +
// getQueueResult show exactly which messages were acked and retried; the
// writes go to the real local database through the pool.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env.ts";
import entry from "../../src/index.ts";

// Called as the runtime calls it: (event, env, ctx).
const worker = entry as Required<Pick<ExportedHandler<Env>, "queue" | "scheduled">>;

import type { EventMessage } from "../../src/events/event-schema.ts";
import { db, eventsFor, testEnv, uniq } from "../support/worker-db.ts";

const QUEUE = "eventline-events";
const event = (source: string, over: Partial<EventMessage> = {}): EventMessage => ({
  v: 1,
  source,
  id: uniq("e"),
  type: "consumer.test",
  occurredAt: "2026-11-20T12:00:00.000Z",
  receivedAt: "2026-11-20T12:00:01.000Z",
  payload: { n: 1 },
  ...over,
});
const batchOf = (bodies: unknown[], attempts = 1) =>
  createMessageBatch(
    QUEUE,
    bodies.map((body, i) => ({ id: `msg-${crypto.randomUUID()}-${i}`, timestamp: new Date(), attempts, body })),
  );

async function deliver(batch: MessageBatch<unknown>, env = testEnv) {
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe("events consumer", () => {
  it("writes a batch in one go and acks every message", async () => {
    const source = uniq("src");
    const bodies = Array.from({ length: 100 }, () => event(source));
    const batch = batchOf(bodies);
    const result = await deliver(batch);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(result.ackAll).toBe(false);
    expect((await eventsFor(source)).map((e) => e.id).sort()).toEqual(bodies.map((b) => b.id).sort());
  });

  it("acks a redelivered batch as duplicates without a second row; the first write wins", async () => {
    const source = uniq("src");
    const first = [event(source, { id: "same-1", payload: { v: "first" } }), event(source, { id: "same-2" })];
    await deliver(batchOf(first));
    const again = batchOf([{ ...first[0]!, payload: { v: "second" } }, first[1]!], 2);
    const result = await deliver(again);
    expect(result.explicitAcks).toHaveLength(2);
    const rows = await eventsFor(source);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === "same-1")!.payload).toEqual({ v: "first" });
  });

  it("dead-letters a malformed message at once and acks the rest", async () => {
    const source = uniq("src");
    const good = event(source);
    const batch = batchOf([good, { v: 1, source, id: "bad", type: "NOT VALID" }]);
    const result = await deliver(batch);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await eventsFor(source)).toHaveLength(1);
    const letter = await db().deadLetter.findFirst({ where: { source, eventId: "bad" } });
    expect(letter).toMatchObject({ errorCode: "invalid_message", status: "pending", body: { id: "bad", type: "NOT VALID" } });
  });

  describe("with a row the database refuses", () => {
    // Stands in for data the schema cannot foresee but Postgres rejects (SQLSTATE 23514).
    beforeAll(async () => {
      await db().$executeRawUnsafe(`ALTER TABLE events ADD CONSTRAINT test_poison CHECK (NOT (payload ? 'poison'))`);
    });
    afterAll(async () => {
      await db().$executeRawUnsafe(`ALTER TABLE events DROP CONSTRAINT test_poison`);
    });

    it("isolates one poison message in a batch of 100: 99 rows, 1 dead letter, 100 acks, no retries", async () => {
      const source = uniq("src");
      const bodies = Array.from({ length: 100 }, (_, i) => event(source, i === 42 ? { id: "poison-42", payload: { poison: true } } : {}));
      const batch = batchOf(bodies);
      const result = await deliver(batch);
      expect(result.explicitAcks).toHaveLength(100);
      expect(result.retryMessages).toEqual([]);
      const rows = await eventsFor(source);
      expect(rows).toHaveLength(99);
      expect(rows.some((r) => r.id === "poison-42")).toBe(false);
      const letters = await db().deadLetter.findMany({ where: { source } });
      expect(letters).toEqual([
        expect.objectContaining({ key: `${source}/poison-42`, errorCode: "sqlstate_23514", status: "pending", attempts: 1 }),
      ]);
    });
  });

  it("retries every message with a backoff delay when the database cannot be reached, and acks none", async () => {
    const source = uniq("src");
    const batch = batchOf([event(source), event(source)], 3);
    // getQueueResult does not report delays; record them on the way through (the real retry still runs).
    const retrySpies = batch.messages.map((m) => vi.spyOn(m, "retry"));
    const result = await deliver(batch, { ...testEnv, DATABASE_URL: "prisma+postgres://127.0.0.1:9/?api_key=unreachable" });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(batch.messages.map((m) => m.id).sort());
    // attempts=3 → exponential delay 20 s, equal jitter → between 10 and 20 s.
    for (const spy of retrySpies) {
      const delay = spy.mock.calls[0]![0]!.delaySeconds!;
      expect(delay).toBeGreaterThanOrEqual(10);
      expect(delay).toBeLessThanOrEqual(20);
    }
    expect(await eventsFor(source)).toHaveLength(0);
  });

  it("retries everything, without writing, when DATABASE_URL is not a pool URL", async () => {
    const batch = batchOf([event(uniq("src"))]);
    const result = await deliver(batch, { ...testEnv, DATABASE_URL: "postgresql://direct@127.0.0.1/db" });
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toEqual([]);
  });
});

describe("dead-letter consumer", () => {
  it("persists each message of the dead-letter queue and acks it; a second delivery updates the same row", async () => {
    const source = uniq("src");
    const body = event(source, { id: "exhausted" });
    const dlqBatch = () =>
      createMessageBatch("eventline-events-dlq", [{ id: `dlq-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body }]);
    const first = dlqBatch();
    expect((await deliver(first)).explicitAcks).toEqual([first.messages[0]!.id]);
    await deliver(dlqBatch());
    const letters = await db().deadLetter.findMany({ where: { source } });
    expect(letters).toEqual([
      expect.objectContaining({
        key: `${source}/exhausted`,
        errorCode: "retries_exhausted",
        eventType: "consumer.test",
        attempts: 2,
        body,
      }),
    ]);
  });

  it("retries dead letters when the database is down instead of dropping them", async () => {
    const batch = createMessageBatch("eventline-events-dlq", [{ id: "dlq-down", timestamp: new Date(), attempts: 1, body: event("x") }]);
    const result = await deliver(batch, { ...testEnv, DATABASE_URL: "prisma+postgres://127.0.0.1:9/?api_key=unreachable" });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: "dlq-down" })]);
  });
});
