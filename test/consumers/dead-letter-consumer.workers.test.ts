// queue handler (dead-letter consumer), unit style: what the dead-letter
// queue delivers ends as rows in dead_letters, whatever its content, each
// message acked or retried on its own; against the real local database.
import { describe, expect, it } from "vitest";
import { batchOf, DEAD_LETTER_QUEUE, deliver, event, packet, text } from "../support/queue-batches.ts";
import { db, testEnv, uniq } from "../support/worker-db.ts";

const dlqBatch = (bodies: unknown[]) => batchOf(bodies, 1, DEAD_LETTER_QUEUE);

describe("dead-letter consumer", () => {
  it("persists each message of the dead-letter queue and acks it; a second delivery updates the same row", async () => {
    const source = uniq("src");
    const body = event(source, { id: "exhausted" });
    const first = dlqBatch([text(body)]);
    expect((await deliver(first)).explicitAcks).toEqual([first.messages[0]!.id]);
    await deliver(dlqBatch([body]));
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

  it("unpacks a packet into one letter per event, each holding its event, so that operators see and replay events", async () => {
    const source = uniq("src");
    const events = [event(source), event(source), event(source)];
    const batch = dlqBatch([packet(events)]);
    expect((await deliver(batch)).explicitAcks).toEqual([batch.messages[0]!.id]);
    const letters = await db().deadLetter.findMany({ where: { source }, orderBy: { eventId: "asc" } });
    expect(letters.map((l) => [l.key, l.errorCode, l.body])).toEqual(
      [...events].sort((a, b) => a.id.localeCompare(b.id)).map((e) => [`${source}/${e.id}`, "retries_exhausted", e]),
    );
  });

  it("stores every letter of a batch of hostile bodies, none failing another", async () => {
    const source = uniq("src");
    const good = event(source);
    const bodies = [
      text(good),
      text(event(source, { id: "nul", payload: { s: "\u0000" } })),
      `${"{".repeat(3)}not json`,
      text(event(source, { id: "surrogate", attributes: { x: "\ud800" } })),
      `${"[".repeat(50_000)}${"]".repeat(50_000)}`,
      null,
    ];
    const batch = dlqBatch(bodies);
    const result = await deliver(batch);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    const keys = [`${source}/${good.id}`, ...batch.messages.slice(1).map((m) => `msg:${m.id}`)];
    const letters = await db().deadLetter.findMany({ where: { key: { in: keys } } });
    expect(letters).toHaveLength(bodies.length);
    expect(letters.find((l) => l.key === `${source}/${good.id}`)).toMatchObject({ body: good, bodyText: null });
  });

  it("retries dead letters when the database is down instead of dropping them", async () => {
    const batch = dlqBatch([text(event("x"))]);
    const result = await deliver(batch, { ...testEnv, HYPERDRIVE: testEnv.REFUSING_HYPERDRIVE });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: batch.messages[0]!.id })]);
  });

  it("keeps a discarded letter discarded when its event fails again, recording the new failure", async () => {
    const source = uniq("src");
    const body = event(source, { id: "decided" });
    await deliver(dlqBatch([text(body)]));
    await db().deadLetter.updateMany({
      where: { key: `${source}/decided` },
      data: { status: "discarded", discardedAt: new Date(), discardReason: "test traffic" },
    });
    const before = await db().deadLetter.findUniqueOrThrow({ where: { key: `${source}/decided` } });
    await deliver(dlqBatch([text(body)]));
    const after = await db().deadLetter.findUniqueOrThrow({ where: { key: `${source}/decided` } });
    expect(after).toMatchObject({ status: "discarded", discardReason: "test traffic", attempts: before.attempts + 1 });
    expect(after.lastFailedAt.getTime()).toBeGreaterThanOrEqual(before.lastFailedAt.getTime());
  });

  it("puts a replayed letter back to pending when its event fails again", async () => {
    const source = uniq("src");
    const body = event(source, { id: "again" });
    await deliver(dlqBatch([text(body)]));
    await db().deadLetter.updateMany({
      where: { key: `${source}/again` },
      data: { status: "replayed", replayedAt: new Date(), replayCount: 1 },
    });
    await deliver(dlqBatch([text(body)]));
    expect(await db().deadLetter.findUniqueOrThrow({ where: { key: `${source}/again` } })).toMatchObject({
      status: "pending",
      replayCount: 1,
    });
  });
});
