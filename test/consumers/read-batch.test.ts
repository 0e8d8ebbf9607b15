import { describe, expect, it } from "vitest";
import { readBatch } from "../../src/consumer/queues/read-batch.ts";
import { eventPacketText } from "../support/packets.ts";

const event = (id: string) => JSON.stringify({ id, type: "t", occurredAt: "2026-11-01T00:00:00.000Z", payload: {} });
const v1 = (id: string) =>
  JSON.stringify({
    v: 1,
    source: "s",
    id,
    type: "t",
    occurredAt: "2026-11-01T00:00:00.000Z",
    receivedAt: "2026-11-01T00:00:00.000Z",
    payload: {},
  });
const msg = (id: string, body: unknown, attempts = 1) => ({ id, attempts, body });

describe("readBatch", () => {
  it("reads v1 and v2 messages of one batch into events, each knowing its message", () => {
    const m1 = msg("m1", eventPacketText("s", "2026-11-01T00:00:01.000Z", [event("a"), event("b")]));
    const m2 = msg("m2", v1("c"));
    const { events, letters } = readBatch([m1, m2]);
    expect(events.map((e) => [e.msg.id, e.event.id])).toEqual([
      ["m1", "a"],
      ["m1", "b"],
      ["m2", "c"],
    ]);
    expect(letters).toEqual([]);
    expect(events[0]!.bytes).toBeGreaterThan(0);
  });

  it("makes a letter of each unreadable message and each invalid event, keyed apart, without losing the valid events", () => {
    const packet = eventPacketText("s", "2026-11-01T00:00:01.000Z", [event("ok"), '{"id":"x"}', event("ok2")]);
    const { events, letters } = readBatch([msg("m1", packet), msg("m2", "{nope"), msg("m3", undefined)]);
    expect(events.map((e) => e.event.id)).toEqual(["ok", "ok2"]);
    expect(letters.map((l) => [l.msg.id, l.failure.messageId, l.failure.errorCode])).toEqual([
      ["m1", "m1#1", "invalid_message"],
      ["m2", "m2", "invalid_message"],
      ["m3", "m3", "invalid_message"],
    ]);
    expect(letters[0]!.failure.body).toEqual({ source: "s", id: "x" });
  });

  it("contains a body the runtime cannot even hand over", () => {
    const broken = {
      id: "m1",
      attempts: 1,
      get body(): unknown {
        throw new RangeError("Maximum call stack size exceeded");
      },
    };
    const { events, letters } = readBatch([broken, msg("m2", v1("fine"))]);
    expect(events.map((e) => e.event.id)).toEqual(["fine"]);
    expect(letters.map((l) => l.failure.messageId)).toEqual(["m1"]);
  });
});
