// "A 202 is a promise", as a property: seeded batches mixing valid events
// with hostile but plausible ones (deep nesting, NUL and unpaired surrogates
// in payloads, keys and attributes, dates timestamptz cannot hold, numbers a
// double cannot hold, repeated keys, odd keys) go through the whole local
// stack. Checked against Postgres: nothing answers 5xx; exactly the events a
// correct producer accepts are accepted; every accepted event ends as a row
// (or, were the consumer to refuse it, a dead letter), with its payload as
// sent; every valid event sent beside a hostile one is a row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { eventually } from "./support/eventually.ts";
import { type GeneratedEvent, generateRequest } from "./support/hostile-events.ts";
import { prng } from "./support/prng.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const REQUESTS = 60;

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack("accepted-means-stored");
});
afterAll(() => e2e?.stop());

describe(`accepted means stored (seed ${SEED}; FUZZ_SEED=<n> replays another)`, () => {
  it("accepts exactly the storable events, stores every accepted one as sent, and never answers 5xx", async () => {
    const { stack, sql } = e2e;
    const rng = prng(SEED);
    const run = `fz${SEED}-${Date.now()}`;
    let n = 0;
    const sent: GeneratedEvent[] = [];
    const accepted = new Set<string>();
    for (let r = 0; r < REQUESTS; r++) {
      const req = generateRequest(rng, run, () => n++);
      sent.push(...req.events);
      const res = await fetch(`${stack.ingestUrl}/v1/events`, {
        method: "POST",
        headers: { ...req.headers, authorization: `Bearer ${stack.secrets.apiKey}` },
        body: req.body,
      });
      expect(res.status, `request ${r}: ${req.body.slice(0, 200)}`).toBeLessThan(500);
      const body = (await res.json()) as { accepted?: { id: string }[] };
      for (const a of body.accepted ?? []) accepted.add(a.id);
    }

    const mismatches = sent
      .filter((e) => e.accept !== accepted.has(e.id))
      .map((e) => `${e.id} (${e.kind}): expected ${e.accept ? "accepted" : "rejected"}`);
    expect(mismatches).toEqual([]);
    expect(sent.some((e) => e.accept) && sent.some((e) => !e.accept)).toBe(true);
    console.log(`[fuzz] ${sent.length} events sent, ${accepted.size} accepted, ${sent.length - accepted.size} refused`);

    const stored = async () => {
      const rows = await sql("SELECT id, payload FROM events WHERE source = $1 AND id LIKE $2", [stack.secrets.source, `${run}-%`]);
      const letters = await sql("SELECT event_id FROM dead_letters WHERE event_id LIKE $1", [`${run}-%`]);
      return { rows, letters };
    };
    const done = await eventually(stored, (s) => s.rows.length + s.letters.length >= accepted.size, 60_000, 250);
    const rows = new Map(done.rows.map((r) => [r.id as string, r.payload]));
    const lettered = new Set(done.letters.map((l) => l.event_id as string));
    for (const id of accepted) expect(rows.has(id) || lettered.has(id), `accepted ${id} is neither a row nor a dead letter`).toBe(true);
    // Every event a correct producer accepts is storable: each is a row, with the payload as sent.
    for (const e of sent.filter((x) => x.accept)) {
      expect(rows.has(e.id), `${e.id} (${e.kind}) is not a row`).toBe(true);
      expect(rows.get(e.id), `${e.id} (${e.kind})`).toStrictEqual(e.payload);
    }
    expect(done.rows.length).toBe(accepted.size);
  });
});
