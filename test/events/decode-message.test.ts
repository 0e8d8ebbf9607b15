import { describe, expect, it } from "vitest";
import { PermanentError } from "../../src/shared/errors/permanent-error.ts";
import { decodeEventMessage, decodeMessage } from "../../src/shared/events/decode-message.ts";
import { eventMessage } from "../support/packets.ts";

const message = eventMessage();

const failure = (body: unknown) => {
  try {
    decodeEventMessage(body);
  } catch (err) {
    return err;
  }
  return undefined;
};

describe("decodeEventMessage", () => {
  it("reads a message as JSON text (what the producer sends) and as an object (sent as json before)", () => {
    expect(decodeEventMessage(JSON.stringify(message))).toStrictEqual(message);
    expect(decodeEventMessage(message)).toStrictEqual(message);
  });

  it("fails with a PermanentError invalid_message, never anything else, whatever the body", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const bodies: unknown[] = [
      "{not json",
      "",
      deep,
      `${JSON.stringify(message).slice(0, -1)},"deep":${deep}}`,
      `${JSON.stringify({ ...message, payload: undefined }).slice(0, -1)},"payload":{"a":${deep}}}`,
      JSON.stringify({ ...message, payload: { s: "a\u0000b" } }),
      JSON.stringify({ ...message, id: "a\u0000b" }),
      JSON.stringify({ ...message, occurredAt: "0000-01-01T00:00:00Z" }),
      JSON.stringify({ ...message, attributes: { x: "\ud800" } }),
      null,
      undefined,
      42,
      new Uint8Array([1, 2]),
    ];
    for (const [i, body] of bodies.entries()) {
      const err = failure(body);
      expect(err, `body ${i}`).toBeInstanceOf(PermanentError);
      expect((err as PermanentError).code).toBe("invalid_message");
    }
  });

  it("says which field is wrong", () => {
    expect((failure(JSON.stringify({ ...message, payload: { s: "a\u0000b" } })) as Error).message).toMatch(/^payload\.s: /);
  });
});

describe("decodeMessage", () => {
  const packet = (events: unknown[]) => JSON.stringify({ v: 2, source: "s", receivedAt: "2026-11-01T00:00:01.000Z", events });
  const e = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: "t",
    occurredAt: "2026-11-01T00:00:00.000Z",
    payload: { id },
    ...extra,
  });

  it("reads a v2 packet into its events, each with the packet's source and receipt time, in order", () => {
    expect(decodeMessage(packet([e("a"), e("b")]))).toStrictEqual({
      events: [
        { v: 1, source: "s", receivedAt: "2026-11-01T00:00:01.000Z", ...e("a") },
        { v: 1, source: "s", receivedAt: "2026-11-01T00:00:01.000Z", ...e("b") },
      ],
      replayed: [false, false],
      invalid: [],
    });
  });

  it("keeps an event's own receipt time (a replayed event's) over the packet's, and says it is a replay", () => {
    const r = decodeMessage(packet([e("a", { receivedAt: "2026-10-01T00:00:00.000Z" }), e("b")]));
    expect(r.events[0]!.receivedAt).toBe("2026-10-01T00:00:00.000Z");
    expect(r.replayed).toEqual([true, false]);
  });

  it("reads a v1 message as one event", () => {
    expect(decodeMessage(JSON.stringify(message))).toStrictEqual({ events: [message], replayed: [false], invalid: [] });
  });

  it("returns an invalid event of a packet on its own, with its index, and keeps the valid ones", () => {
    const r = decodeMessage(packet([e("a"), e("bad\u0000id"), "not an event", e("c", { payload: { s: "\ud800" } }), e("d")]));
    expect(r.events.map((x) => x.id)).toEqual(["a", "d"]);
    expect(r.invalid.map((x) => [x.index, x.error.code])).toEqual([
      [1, "invalid_message"],
      [2, "invalid_message"],
      [3, "invalid_message"],
    ]);
    expect(r.invalid[0]!.body).toMatchObject({ source: "s", id: "bad\u0000id" });
    expect(r.invalid[2]!.error.message).toMatch(/^events\.3\.payload\.s: /);
  });

  it("fails the whole message only when its envelope is unreadable", () => {
    for (const body of [
      JSON.stringify({ v: 2, source: "s", receivedAt: "2026-11-01T00:00:01.000Z", events: [] }),
      JSON.stringify({ v: 2, source: "BAD SOURCE", receivedAt: "2026-11-01T00:00:01.000Z", events: [e("a")] }),
      JSON.stringify({ v: 3 }),
    ]) {
      expect(() => decodeMessage(body)).toThrowError(expect.objectContaining({ code: "invalid_message" }));
    }
  });
});
