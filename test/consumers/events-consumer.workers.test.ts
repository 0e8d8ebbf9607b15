// queue handler (events consumer), unit style: createMessageBatch +
// getQueueResult show exactly which messages were acked and retried; the
// writes go to the real local database through the pool.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { batchOf, deliver, event, packet, text } from "../support/queue-batches.ts";
import { db, eventsFor, testEnv, uniq } from "../support/worker-db.ts";

describe("events consumer", () => {
  it("writes a batch in one go and acks every message", async () => {
    const source = uniq("src");
    const bodies = Array.from({ length: 100 }, () => event(source));
    const batch = batchOf(bodies.map(text));
    const result = await deliver(batch);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(result.ackAll).toBe(false);
    expect((await eventsFor(source)).map((e) => e.id).sort()).toEqual(bodies.map((b) => b.id).sort());
  });

  it("reads messages sent as JSON objects too (contentType json, before messages became text)", async () => {
    const source = uniq("src");
    const legacy = event(source);
    expect((await deliver(batchOf([legacy]))).explicitAcks).toHaveLength(1);
    expect((await eventsFor(source)).map((e) => e.id)).toEqual([legacy.id]);
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

  it("retries every message with a backoff delay when the database hangs up on every connection, and acks none", async () => {
    const source = uniq("src");
    const batch = batchOf([event(source), event(source)], 3);
    // getQueueResult does not report delays; record them on the way through (the real retry still runs).
    const retrySpies = batch.messages.map((m) => vi.spyOn(m, "retry"));
    const result = await deliver(batch, { ...testEnv, HYPERDRIVE: env.REFUSING_HYPERDRIVE });
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

  it("retries every message, acking none, when the database is unreachable", async () => {
    const source = uniq("src");
    const batch = batchOf([text(event(source)), text(event(source))]);
    const result = await deliver(batch, { ...testEnv, HYPERDRIVE: env.UNREACHABLE_HYPERDRIVE, DATABASE_TIMEOUT_SECONDS: "2" });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(await eventsFor(source)).toHaveLength(0);
  });

  it.each([
    ["a retired Accelerate URL", "prisma+postgres://accelerate.prisma-data.net/?api_key=old"],
    ["no database at all", undefined],
  ])("retries everything, without writing, when the only database is %s", async (_, url) => {
    const batch = batchOf([event(uniq("src"))]);
    const result = await deliver(batch, { ...testEnv, HYPERDRIVE: undefined, DATABASE_URL: url });
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toEqual([]);
  });

  it("writes through DATABASE_URL when there is no Hyperdrive binding", async () => {
    const source = uniq("src");
    const batch = batchOf([text(event(source))]);
    const result = await deliver(batch, { ...testEnv, HYPERDRIVE: undefined, DATABASE_URL: env.HYPERDRIVE!.connectionString });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await eventsFor(source)).toHaveLength(1);
  });

  it("contains hostile bodies: each becomes its own dead letter, every valid event is written, nothing is retried", async () => {
    const source = uniq("src");
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const valid = Array.from({ length: 5 }, () => event(source));
    const hostile: unknown[] = [
      `{"v":1,"source":"${source}","id":"deep","type":"t","occurredAt":"2026-11-20T12:00:00.000Z","receivedAt":"2026-11-20T12:00:00.000Z","payload":{"a":${deep}}}`,
      deep,
      "{not json at all",
      text(event(source, { id: "nul-payload", payload: { s: "a\u0000b" } })),
      text(event(source, { id: "bad\u0000id" })),
      text(event(source, { id: "year-zero", occurredAt: "0000-01-01T00:00:00.000Z" })),
      text(event(source, { id: "lone-surrogate", attributes: { x: "\ud800" } })),
      // A JSON-object body (sent before messages became text), as deep as the runtime's structured clone still delivers.
      (() => {
        let v: unknown = {};
        for (let i = 0; i < 500; i++) v = { v };
        return { ...event(source, { id: "legacy-deep" }), payload: v };
      })(),
    ];
    // Interleaved, so that a failure of any hostile body would take valid neighbours down with it.
    const bodies = hostile.flatMap((h, i) => (i < valid.length ? [text(valid[i]!), h] : [h]));
    const batch = batchOf(bodies);
    const result = await deliver(batch);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect((await eventsFor(source)).map((e) => e.id).sort()).toEqual(valid.map((v) => v.id).sort());
    const hostileIds = new Set(batch.messages.filter((m) => !valid.some((v) => m.body === text(v))).map((m) => `msg:${m.id}`));
    const letters = await db().deadLetter.findMany({ where: { key: { in: [...hostileIds] } } });
    expect(letters).toHaveLength(hostile.length);
    for (const l of letters) expect(l).toMatchObject({ errorCode: "invalid_message", status: "pending" });
    // Whatever jsonb could not hold is kept as text, recoverably.
    const nul = letters.find((l) => l.eventId === "nul-payload")!;
    expect(nul.body).toBeNull();
    expect(JSON.parse(nul.bodyText!).payload).toEqual({ s: "a\u0000b" });
  });

  it("abandons a database call past DATABASE_TIMEOUT_SECONDS and hands the batch back to the queue", async () => {
    const batch = batchOf([text(event(uniq("src"))), text(event(uniq("src")))]);
    // Without the deadline this invocation would wait on the endpoint until the test times out.
    const result = await deliver(batch, { ...testEnv, HYPERDRIVE: env.HANGING_HYPERDRIVE, DATABASE_TIMEOUT_SECONDS: "0.5" });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(batch.messages.map((m) => m.id).sort());
  });
});

describe("events consumer, packets (v2 messages)", () => {
  it("writes the events of v1 and v2 messages of one batch in few statements, and acks every message", async () => {
    const source = uniq("src");
    const packets = Array.from({ length: 10 }, () => Array.from({ length: 50 }, () => event(source)));
    const singles = Array.from({ length: 5 }, () => event(source));
    const batch = batchOf([...packets.map(packet), ...singles.map(text)]);
    const result = await deliver(batch);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect((await eventsFor(source)).map((e) => e.id).sort()).toEqual([...packets.flat(), ...singles].map((e) => e.id).sort());
  });

  describe("with an event the database refuses", () => {
    beforeAll(async () => {
      await db().$executeRawUnsafe(`ALTER TABLE events ADD CONSTRAINT test_poison_packet CHECK (NOT (payload ? 'poison_in_packet'))`);
    });
    afterAll(async () => {
      await db().$executeRawUnsafe(`ALTER TABLE events DROP CONSTRAINT test_poison_packet`);
    });

    it("dead-letters the poison event alone: the rest of its packet is written, the message acked, nothing retried", async () => {
      const source = uniq("src");
      const events = Array.from({ length: 30 }, (_, i) =>
        event(source, i === 17 ? { id: "poison-17", payload: { poison_in_packet: true } } : {}),
      );
      const batch = batchOf([packet(events)]);
      const result = await deliver(batch);
      expect(result.explicitAcks).toEqual([batch.messages[0]!.id]);
      expect(result.retryMessages).toEqual([]);
      expect((await eventsFor(source)).map((e) => e.id).sort()).toEqual(
        events
          .filter((e) => e.id !== "poison-17")
          .map((e) => e.id)
          .sort(),
      );
      // The letter holds the event, not its packet: operators see, filter and replay events.
      expect(await db().deadLetter.findMany({ where: { source } })).toEqual([
        expect.objectContaining({ key: `${source}/poison-17`, eventId: "poison-17", errorCode: "sqlstate_23514", body: events[17] }),
      ]);
    });
  });

  describe("with a retryable failure in the middle of a packet", () => {
    // A transient error (SQLSTATE 40001) for one event, in the second of the statements one packet takes.
    beforeAll(async () => {
      await db().$executeRawUnsafe(`CREATE FUNCTION test_flaky() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.payload ? 'flaky' THEN RAISE EXCEPTION 'flaky' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$`);
      await db().$executeRawUnsafe("CREATE TRIGGER test_flaky BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION test_flaky()");
    });
    afterAll(async () => {
      await db().$executeRawUnsafe("DROP TRIGGER IF EXISTS test_flaky ON events");
      await db().$executeRawUnsafe("DROP FUNCTION IF EXISTS test_flaky()");
    });

    it("retries the whole packet; its redelivery writes each event exactly once", async () => {
      const source = uniq("src");
      // 1,100 small events: one packet, two statements (1,000 events per statement); the flaky one is in the second.
      const events = Array.from({ length: 1100 }, (_, i) => event(source, { id: `e${i}`, payload: i === 1050 ? { flaky: true } : {} }));
      const first = await deliver(batchOf([packet(events)]));
      expect(first.explicitAcks).toEqual([]);
      expect(first.retryMessages).toHaveLength(1);
      expect(await eventsFor(source)).toHaveLength(1000);
      await db().$executeRawUnsafe("DROP TRIGGER test_flaky ON events");
      const again = await deliver(batchOf([packet(events)], 2));
      expect(again.explicitAcks).toHaveLength(1);
      const rows = await eventsFor(source);
      expect(rows).toHaveLength(1100);
      expect(new Set(rows.map((r) => r.id)).size).toBe(1100);
    });
  });
});
