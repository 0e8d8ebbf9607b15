// enqueueEvents maps what the Queue binding does onto the API's answer. The
// queue here is a stand-in that fails on command (the real local queue never
// refuses): the component under test is the mapping, not the queue.
import { describe, expect, it } from "vitest";
import { enqueueEvents } from "../../src/ingest/enqueue-events.ts";
import type { AcceptedEvent } from "../../src/ingest/validate-events.ts";

const events = (n: number, bytes = 200): AcceptedEvent[] =>
  Array.from({ length: n }, (_, i) => {
    const message = {
      v: 1 as const,
      source: "s",
      id: `e${i}`,
      type: "t",
      occurredAt: "2026-11-01T00:00:00.000Z",
      receivedAt: "2026-11-01T00:00:00.000Z",
      payload: {},
    };
    return { index: i, bytes, message, text: JSON.stringify(message) };
  });

function queueFailingOn(call: number, error: Error) {
  const sent: { body: string; contentType?: string }[][] = [];
  let calls = 0;
  const queue = {
    async sendBatch(msgs: { body: string; contentType?: string }[]) {
      if (++calls === call) throw error;
      sent.push(msgs);
    },
  } as unknown as Queue<string>;
  return { queue, sent };
}

const notAtomic = { atomic: false };

describe("enqueueEvents", () => {
  it("sends 250 events as chunks of at most 100 and accepts them all", async () => {
    const { queue, sent } = queueFailingOn(0, new Error("never"));
    const r = await enqueueEvents(queue, events(250), notAtomic);
    expect(sent.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(r.accepted).toHaveLength(250);
    expect(r.rejected).toEqual([]);
  });

  it("sends each event as its JSON text, content type text: the consumer parses it inside its own error handling", async () => {
    const { queue, sent } = queueFailingOn(0, new Error("never"));
    const one = events(1);
    await enqueueEvents(queue, one, notAtomic);
    expect(sent[0]).toEqual([{ body: one[0]!.text, contentType: "text" }]);
  });

  it("sends an atomic request only when it fits one sendBatch, and refuses a larger one before sending anything", async () => {
    const fits = queueFailingOn(0, new Error("never"));
    expect((await enqueueEvents(fits.queue, events(100), { atomic: true })).accepted).toHaveLength(100);
    for (const tooBig of [events(101), events(3, 100_000)]) {
      const { queue, sent } = queueFailingOn(0, new Error("never"));
      await expect(enqueueEvents(queue, tooBig, { atomic: true })).rejects.toMatchObject({ status: 413, code: "atomic_batch_too_large" });
      expect(sent).toEqual([]);
    }
  });

  it("answers 503 with Retry-After when the queue refuses the first chunk", async () => {
    const { queue } = queueFailingOn(1, new Error("Queue send failed: internal error"));
    await expect(enqueueEvents(queue, events(3), notAtomic)).rejects.toMatchObject({
      status: 503,
      code: "queue_unavailable",
      headers: { "retry-after": "5" },
    });
  });

  it("answers 429 when the queue pushes back (message rate, overload), 503 for everything else", async () => {
    // workerd's wording: `Queue send[Batch] failed: <status text>`.
    for (const text of ["Too Many Requests", "Queue is overloaded. Please back off."]) {
      const { queue } = queueFailingOn(1, new Error(`Queue sendBatch failed: ${text}`));
      await expect(enqueueEvents(queue, events(3), notAtomic)).rejects.toMatchObject({
        status: 429,
        code: "rate_limited",
        headers: { "retry-after": "1" },
      });
    }
    for (const text of ["Free tier limit exceeded", "Queue storage limit exceeded", "Payload Too Large"]) {
      const { queue } = queueFailingOn(1, new Error(`Queue sendBatch failed: ${text}`));
      await expect(enqueueEvents(queue, events(3), notAtomic)).rejects.toMatchObject({ status: 503, code: "queue_unavailable" });
    }
  });

  it("keeps the chunks already sent and reports the rest as queue_unavailable", async () => {
    const { queue, sent } = queueFailingOn(2, new Error("boom"));
    const r = await enqueueEvents(queue, events(250), notAtomic);
    expect(sent.flat()).toHaveLength(100);
    expect(r.accepted.map((a) => a.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.rejected).toHaveLength(150);
    expect(r.rejected[0]).toMatchObject({ index: 100, code: "queue_unavailable" });
  });
});
