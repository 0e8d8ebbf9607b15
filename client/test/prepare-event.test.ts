import { describe, expect, it } from "vitest";
import { validateEvents } from "../../src/ingest/validate-events.ts";
import { prng } from "../../test/support/prng.ts";
import { randomJson } from "../../test/support/random-json.ts";
import { prepareEvent } from "../src/prepare-event.ts";
import { WIRE_LIMITS } from "../src/protocol.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const OCCURRED = [undefined, new Date(NOW - 5000), "2026-11-27T10:00:00+02:00", "2026-11-27T08:00:00Z", "2026-11-27T08:00:00.5Z"];

/** The server's verdict on one event exactly as the client sends it. */
function serverVerdict(json: string) {
  return validateEvents([{ index: 0, ok: true, event: JSON.parse(json) }], {
    source: "s",
    now: new Date(NOW),
    maxFutureSkewSeconds: 300,
    newId: () => "unused",
  });
}

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

  it(`measures an event's size as the server does, on both sides of the limit (seed ${SEED})`, () => {
    const rng = prng(SEED);
    let nearLimit = 0;
    for (let i = 0; i < 300; i++) {
      const pad = WIRE_LIMITS.maxEventBytes - 400 + rng.int(800);
      const payload = { data: randomJson(rng, 4), pad: rng.pick(["x", "é", "😀"]).repeat(rng.int(2) ? pad : pad / 3) };
      const input = { type: "t", payload, occurredAt: rng.pick(OCCURRED), ...(rng.int(2) ? { source: "s" } : {}) };
      const client = prepareEvent(input, NOW);
      const json = client.ok
        ? client.event.json
        : JSON.stringify({ ...input, id: client.outcome.id, occurredAt: input.occurredAt ?? new Date(NOW) });
      const server = serverVerdict(json);
      if (client.ok) {
        expect(server.rejected).toEqual([]);
        expect(client.event.storedBytes).toBe(server.accepted[0]!.bytes);
      } else {
        expect(client.outcome).toMatchObject({ status: "rejected", code: "event_too_large" });
        expect(server.rejected[0]?.code).toBe("event_too_large");
      }
      if (Math.abs((client.ok ? client.event.storedBytes : WIRE_LIMITS.maxEventBytes) - WIRE_LIMITS.maxEventBytes) < 400) nearLimit++;
    }
    expect(nearLimit).toBeGreaterThan(50);
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
