// enqueueEvents maps what the Queue binding does onto the API's answer. The
// queue here is a stand-in that fails on command (the real local queue never
// refuses): the component under test is the mapping, not the queue.
import { describe, expect, it } from "vitest";
import type { EventMessage } from "../../src/events/event-schema.ts";
import { enqueueEvents } from "../../src/ingest/enqueue-events.ts";
import type { AcceptedEvent } from "../../src/ingest/validate-events.ts";

const events = (n: number): AcceptedEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    index: i,
    bytes: 200,
    message: {
      v: 1,
      source: "s",
      id: `e${i}`,
      type: "t",
      occurredAt: "2026-11-01T00:00:00.000Z",
      receivedAt: "2026-11-01T00:00:00.000Z",
      payload: {},
    },
  }));

function queueFailingOn(call: number, error: Error) {
  const sent: EventMessage[][] = [];
  let calls = 0;
  const queue = {
    async sendBatch(msgs: { body: EventMessage }[]) {
      if (++calls === call) throw error;
      sent.push(msgs.map((m) => m.body));
    },
  } as unknown as Queue<EventMessage>;
  return { queue, sent };
}

describe("enqueueEvents", () => {
  it("sends 250 events as chunks of at most 100 and accepts them all", async () => {
    const { queue, sent } = queueFailingOn(0, new Error("never"));
    const r = await enqueueEvents(queue, events(250));
    expect(sent.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(r.accepted).toHaveLength(250);
    expect(r.rejected).toEqual([]);
  });

  it("answers 503 with Retry-After when the queue refuses the first chunk", async () => {
    const { queue } = queueFailingOn(1, new Error("Queue send failed: internal error"));
    await expect(enqueueEvents(queue, events(3))).rejects.toMatchObject({
      status: 503,
      code: "queue_unavailable",
      headers: { "retry-after": "5" },
    });
  });

  it("answers 429 when the queue pushes back (message rate, overload), 503 for everything else", async () => {
    // workerd's wording: `Queue send[Batch] failed: <status text>`.
    for (const text of ["Too Many Requests", "Queue is overloaded. Please back off."]) {
      const { queue } = queueFailingOn(1, new Error(`Queue sendBatch failed: ${text}`));
      await expect(enqueueEvents(queue, events(3))).rejects.toMatchObject({
        status: 429,
        code: "rate_limited",
        headers: { "retry-after": "1" },
      });
    }
    for (const text of ["Free tier limit exceeded", "Queue storage limit exceeded", "Payload Too Large"]) {
      const { queue } = queueFailingOn(1, new Error(`Queue sendBatch failed: ${text}`));
      await expect(enqueueEvents(queue, events(3))).rejects.toMatchObject({ status: 503, code: "queue_unavailable" });
    }
  });

  it("keeps the chunks already sent and reports the rest as queue_unavailable", async () => {
    const { queue, sent } = queueFailingOn(2, new Error("boom"));
    const r = await enqueueEvents(queue, events(250));
    expect(sent.flat()).toHaveLength(100);
    expect(r.accepted.map((a) => a.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.rejected).toHaveLength(150);
    expect(r.rejected[0]).toMatchObject({ index: 100, code: "queue_unavailable" });
  });
});
