import { describe, expect, it } from "vitest";
import { PermanentError } from "../../src/errors/permanent-error.ts";
import { decodeEventMessage } from "../../src/events/decode-message.ts";

const message = {
  v: 1,
  source: "s",
  id: "e1",
  type: "t",
  occurredAt: "2026-11-01T00:00:00.000Z",
  receivedAt: "2026-11-01T00:00:00.000Z",
  payload: { a: 1 },
};

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
