import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/shared/config/limits.ts";
import { packEvents } from "../../src/shared/queue/pack-events.ts";
import { eventPacketText } from "../support/packets.ts";

const event = (id: string, payloadChars = 10) => {
  const text = JSON.stringify({ id, type: "t", occurredAt: "2026-11-01T00:00:00.000Z", payload: { s: "x".repeat(payloadChars) } });
  return { id, text, bytes: new TextEncoder().encode(text).length };
};
const size = (s: string) => new TextEncoder().encode(s).length;

describe("packEvents", () => {
  it("puts a single event in one packet, a v2 message that carries it", () => {
    const [p, ...rest] = packEvents("shop", "2026-11-01T00:00:01.000Z", [event("a")]);
    expect(rest).toEqual([]);
    expect(JSON.parse(p!.text)).toEqual({
      v: 2,
      source: "shop",
      receivedAt: "2026-11-01T00:00:01.000Z",
      events: [JSON.parse(event("a").text)],
    });
    expect(p!.bytes).toBe(size(p!.text));
  });

  it("keeps order and fills each packet up to the budget; one byte over starts the next packet", () => {
    const events = Array.from({ length: 10 }, (_, i) => event(`e${i}`, 90));
    const one = packEvents("s", "2026-11-01T00:00:01.000Z", events.slice(0, 3))[0]!;
    // A budget of exactly three events' packet fits three; one byte less moves the third to a second packet.
    expect(packEvents("s", "2026-11-01T00:00:01.000Z", events.slice(0, 3), one.bytes).map((p) => p.items.length)).toEqual([3]);
    expect(packEvents("s", "2026-11-01T00:00:01.000Z", events.slice(0, 3), one.bytes - 1).map((p) => p.items.length)).toEqual([2, 1]);
    const packets = packEvents("s", "2026-11-01T00:00:01.000Z", events, one.bytes);
    expect(packets.flatMap((p) => p.items.map((e) => e.id))).toEqual(events.map((e) => e.id));
    for (const p of packets) expect(p.bytes).toBe(size(p.text));
    for (const p of packets) expect(p.bytes).toBeLessThanOrEqual(one.bytes);
  });

  it("counts UTF-8 bytes, and lets an event over the budget travel alone, still under the 128 KB message limit", () => {
    const big = event("big", LIMITS.maxEventBytes - 100);
    const packets = packEvents("s", "2026-11-01T00:00:01.000Z", [event("a"), big, event("b")]);
    expect(packets.map((p) => p.items.map((e) => e.id))).toEqual([["a"], ["big"], ["b"]]);
    expect(packets[1]!.bytes).toBeGreaterThan(LIMITS.packetBudgetBytes);
    expect(packets[1]!.bytes).toBeLessThan(128 * 1000);
    const emoji = { ...event("u"), text: '{"s":"😀"}', bytes: 0 };
    emoji.bytes = size(emoji.text);
    expect(packEvents("s", "2026-11-01T00:00:01.000Z", [emoji])[0]!.bytes).toBe(
      size(eventPacketText("s", "2026-11-01T00:00:01.000Z", [emoji.text])),
    );
  });

  it("packs 100 events of 500 bytes into one message, where one message per event took 100", () => {
    const events = Array.from({ length: 100 }, (_, i) => event(`e${i}`, 420));
    expect(events[0]!.bytes).toBeGreaterThan(480);
    expect(packEvents("s", "2026-11-01T00:00:01.000Z", events)).toHaveLength(1);
  });
});
