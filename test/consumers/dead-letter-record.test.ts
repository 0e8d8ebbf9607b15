import { describe, expect, it } from "vitest";
import { toDeadLetter } from "../../src/consumer/queues/dead-letter-record.ts";
import { findUnstorable, isStorableText } from "../../src/shared/events/storable.ts";
import { eventMessage } from "../support/packets.ts";

const message = eventMessage();
const letterFor = (body: unknown, errorMessage = "boom") =>
  toDeadLetter({ messageId: "m1", body, attempts: 2, errorCode: "sqlstate_22P05", errorMessage });

/** What Postgres would refuse anywhere in the row: the upsert must never fail because of a letter's content. */
function expectStorable(letter: ReturnType<typeof letterFor>) {
  for (const text of [
    letter.key,
    letter.source,
    letter.eventType,
    letter.eventId,
    letter.bodyText,
    letter.errorCode,
    letter.errorMessage,
  ]) {
    if (text !== null) expect(isStorableText(text), JSON.stringify(text)).toBe(true);
  }
  expect((letter.body === null) !== (letter.bodyText === null)).toBe(true);
  if (letter.body !== null) expect(findUnstorable(letter.body, 200)).toBeUndefined();
}

describe("toDeadLetter", () => {
  it("keys a valid event message by source/id and keeps it as jsonb", () => {
    const letter = letterFor(JSON.stringify(message));
    expect(letter).toMatchObject({ key: "s/e1", source: "s", eventType: "t", eventId: "e1", body: message, bodyText: null, attempts: 2 });
  });

  it("keeps a body jsonb cannot hold as its exact text, keyed by the queue message", () => {
    const text = JSON.stringify({ ...message, payload: { s: "a\u0000b", t: "\ud800" } });
    const letter = letterFor(text);
    expect(letter).toMatchObject({ key: "msg:m1", source: "s", eventType: "t", eventId: "e1", body: null, bodyText: text });
    expect(JSON.parse(letter.bodyText!)).toStrictEqual(JSON.parse(text));
    expectStorable(letter);
  });

  it("can store any body: raw NUL, unpaired surrogates, non-JSON, deep nesting, hostile fields and messages", () => {
    let deep: unknown = [];
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const bodies: unknown[] = [
      "raw \u0000 and \ud800 text that is not JSON",
      `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
      deep,
      { source: "a\u0000", type: "\udc00", id: 5, payload: { "k\u0000": 1 } },
      { source: "x".repeat(1000) },
      undefined,
      null,
      "",
    ];
    for (const body of bodies) expectStorable(letterFor(body, "error quoting \u0000 and \ud800 from the database"));
    const fromDeep = letterFor(deep);
    expect(fromDeep.bodyText).toHaveLength(100_002);
  });

  it("keeps a storable non-event body as jsonb, with what can be read of its fields", () => {
    expect(letterFor({ v: 1, source: "s", id: "bad", type: "NOT VALID" })).toMatchObject({
      key: "msg:m1",
      source: "s",
      eventId: "bad",
      body: { v: 1, source: "s", id: "bad", type: "NOT VALID" },
      bodyText: null,
    });
  });
});
