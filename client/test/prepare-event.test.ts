import { describe, expect, it } from "vitest";
import { prepareEvent } from "../src/prepare-event.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");

describe("prepareEvent", () => {
  it("fixes an id (UUIDv7) and occurredAt before the first attempt, and keeps given ones", () => {
    const made = prepareEvent({ type: "t", payload: {} }, NOW);
    if (!made.ok) throw new Error("expected ok");
    const sent = JSON.parse(made.event.json);
    expect(made.event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent).toEqual({ id: made.event.id, type: "t", occurredAt: new Date(NOW).toISOString(), payload: {} });
    const given = prepareEvent({ id: "mine", type: "t", occurredAt: "2026-01-01T00:00:00Z", payload: {} }, NOW);
    expect(given.ok && JSON.parse(given.event.json)).toMatchObject({ id: "mine", occurredAt: "2026-01-01T00:00:00Z" });
  });

  it("leaves out what JSON cannot hold, so the server rejects that event alone", () => {
    const made = prepareEvent({ type: undefined as unknown as string, payload: { f: () => 1 } as Record<string, unknown> }, NOW);
    expect(made.ok && JSON.parse(made.event.json)).toMatchObject({ payload: {} });
    expect(made.ok && "type" in JSON.parse(made.event.json)).toBe(false);
  });

  it("fails an event JSON cannot serialize at all, without sending it", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(prepareEvent({ type: "t", payload: cyclic }, NOW)).toMatchObject({
      ok: false,
      outcome: { status: "failed", code: "unserializable" },
    });
    expect(prepareEvent({ type: "t", payload: { n: 1n } }, NOW)).toMatchObject({ ok: false, outcome: { code: "unserializable" } });
  });
});
