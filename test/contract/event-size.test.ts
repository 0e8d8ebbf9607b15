// Client and server agree on an event's size: what @eventline/client rejects
// locally as too large is exactly what the producer's validateEvents rejects
// as too large, on both sides of the 64 KiB limit (seeded; FUZZ_SEED replays
// another run). Both sides in one test of their own, so neither package
// imports the other; the client through its public API.
import { Eventline } from "@eventline/client";
import { WIRE_LIMITS } from "@eventline/protocol";
import { describe, expect, it } from "vitest";
import { validateEvents } from "../../src/producer/ingest/validate-events.ts";
import { prng } from "../support/prng.ts";
import { randomJson } from "../support/random-json.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const OCCURRED = [undefined, new Date(NOW - 5000), "2026-11-27T10:00:00+02:00", "2026-11-27T08:00:00Z", "2026-11-27T08:00:00.5Z"];

/** The server's verdict on one event exactly as the client sent it. */
function serverVerdict(event: unknown) {
  return validateEvents([{ index: 0, ok: true, event }], {
    source: "s",
    now: new Date(NOW),
    maxFutureSkewSeconds: 300,
    newId: () => "unused",
  });
}

describe("client and server on an event's size", () => {
  it(`reject exactly the same events as too large, on both sides of the limit (seed ${SEED})`, async () => {
    const rng = prng(SEED);
    const sent: unknown[] = [];
    // A server that records what the client sent and accepts it: the verdict that matters is validateEvents'.
    const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
      const body = JSON.parse(typeof init?.body === "string" ? init.body : new TextDecoder().decode(init?.body as Uint8Array));
      sent.push(...body.events);
      return Response.json(
        { accepted: body.events.map((e: { id: string }, index: number) => ({ index, id: e.id })), rejected: [] },
        { status: 202 },
      );
    };
    const client = new Eventline({ url: "http://eventline.test", apiKey: "k", fetch, flushAt: 1 });
    let nearLimit = 0;
    let tooLarge = 0;
    for (let i = 0; i < 300; i++) {
      const pad = WIRE_LIMITS.maxEventBytes - 400 + rng.int(800);
      const payload = { data: randomJson(rng, 4), pad: rng.pick(["x", "é", "😀"]).repeat(rng.int(2) ? pad : pad / 3) };
      const occurredAt = rng.pick(OCCURRED) ?? new Date(NOW);
      const input = { type: "t", payload, occurredAt, ...(rng.int(2) ? { source: "s" } : {}) };
      sent.length = 0;
      const outcome = await client.send(input);
      if (outcome.status === "rejected") {
        expect(outcome.code).toBe("event_too_large");
        const server = serverVerdict(JSON.parse(JSON.stringify({ ...input, id: outcome.id })));
        expect(server.rejected[0]?.code).toBe("event_too_large");
        tooLarge++;
      } else {
        expect(outcome.status).toBe("accepted");
        const server = serverVerdict(sent[0]);
        expect(server.rejected).toEqual([]);
        if (WIRE_LIMITS.maxEventBytes - server.accepted[0]!.bytes < 400) nearLimit++;
      }
    }
    await client.close();
    // Both sides of the limit were exercised, closely.
    expect(nearLimit).toBeGreaterThan(5);
    expect(tooLarge).toBeGreaterThan(5);
    expect(nearLimit + tooLarge).toBeGreaterThan(50);
  });
});
