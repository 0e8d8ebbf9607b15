// enqueueEvents maps what the Queue binding does onto the API's answer. The
// queue here is a stand-in that fails on command (the real local queue never
// refuses): the component under test is the mapping, not the queue.
import { describe, expect, it } from "vitest";
import { enqueueEvents } from "../../src/producer/ingest/enqueue-events.ts";
import type { AcceptedEvent } from "../../src/producer/ingest/validate-events.ts";
import { packedFields } from "../../src/shared/events/event-message.ts";
import { eventPacketText } from "../support/packets.ts";

/** `n` accepted events of about `payloadChars` bytes each, as validateEvents hands them over. */
const events = (n: number, payloadChars = 100): AcceptedEvent[] =>
  Array.from({ length: n }, (_, i) => {
    const message = {
      v: 1 as const,
      source: "s",
      id: `e${i}`,
      type: "t",
      occurredAt: "2026-11-01T00:00:00.000Z",
      receivedAt: "2026-11-01T00:00:00.000Z",
      payload: { s: "x".repeat(payloadChars) },
    };
    const text = JSON.stringify(packedFields(message));
    return { index: i, message, text, bytes: text.length };
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

const request = (atomic = false) => ({ source: "s", receivedAt: "2026-11-01T00:00:01.000Z", atomic });
const eventIds = (msgs: { body: string }[]) =>
  msgs.flatMap((m) => (JSON.parse(m.body) as { events: { id: string }[] }).events.map((e) => e.id));

describe("enqueueEvents", () => {
  it("packs events into packets and sends the packets in sendBatch chunks within the Queues limits", async () => {
    const { queue, sent } = queueFailingOn(0, new Error("never"));
    // 20 KB events: 3 to a 60 KiB packet, 4 packets to a 256 KB sendBatch.
    const r = await enqueueEvents(queue, request(), events(30, 20_000));
    expect(sent.map((chunk) => chunk.length)).toEqual([4, 4, 2]);
    expect(eventIds(sent.flat())).toEqual(events(30).map((e) => e.message.id));
    expect(r).toMatchObject({ messages: 10, rejected: [] });
    expect(r.accepted.map((a) => a.index)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("sends a packet as JSON text, content type text: the consumer parses it inside its own error handling", async () => {
    const { queue, sent } = queueFailingOn(0, new Error("never"));
    const two = events(2);
    await enqueueEvents(queue, request(), two);
    expect(sent).toEqual([
      [
        {
          body: eventPacketText(
            "s",
            "2026-11-01T00:00:01.000Z",
            two.map((e) => e.text),
          ),
          contentType: "text",
        },
      ],
    ]);
  });

  it("sends an atomic request only when it fits one sendBatch, and refuses a larger one before sending anything", async () => {
    const fits = queueFailingOn(0, new Error("never"));
    expect((await enqueueEvents(fits.queue, request(true), events(12, 20_000))).accepted).toHaveLength(12);
    const { queue, sent } = queueFailingOn(0, new Error("never"));
    await expect(enqueueEvents(queue, request(true), events(16, 20_000))).rejects.toMatchObject({
      status: 413,
      code: "atomic_batch_too_large",
    });
    expect(sent).toEqual([]);
  });

  it("answers 503 with Retry-After when the queue refuses the first chunk", async () => {
    const { queue } = queueFailingOn(1, new Error("Queue send failed: internal error"));
    await expect(enqueueEvents(queue, request(), events(3))).rejects.toMatchObject({
      status: 503,
      code: "queue_unavailable",
      headers: { "retry-after": "5" },
    });
  });

  it("answers 429 when the queue pushes back (message rate, overload), 503 for everything else", async () => {
    // workerd's wording: `Queue send[Batch] failed: <status text>`.
    for (const text of ["Too Many Requests", "Queue is overloaded. Please back off."]) {
      const { queue } = queueFailingOn(1, new Error(`Queue sendBatch failed: ${text}`));
      await expect(enqueueEvents(queue, request(), events(3))).rejects.toMatchObject({
        status: 429,
        code: "rate_limited",
        headers: { "retry-after": "1" },
      });
    }
    for (const text of ["Free tier limit exceeded", "Queue storage limit exceeded", "Payload Too Large"]) {
      const { queue } = queueFailingOn(1, new Error(`Queue sendBatch failed: ${text}`));
      await expect(enqueueEvents(queue, request(), events(3))).rejects.toMatchObject({ status: 503, code: "queue_unavailable" });
    }
  });

  it("keeps the chunks already sent and reports the rest as queue_unavailable", async () => {
    const { queue, sent } = queueFailingOn(2, new Error("boom"));
    const r = await enqueueEvents(queue, request(), events(30, 20_000));
    expect(eventIds(sent.flat())).toHaveLength(12);
    expect(r.accepted.map((a) => a.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(r.rejected).toHaveLength(18);
    expect(r.rejected[0]).toMatchObject({ index: 12, code: "queue_unavailable" });
  });
});
