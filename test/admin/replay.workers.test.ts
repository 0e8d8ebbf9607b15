// fetch handler, POST /admin/dead-letters/replay, integration style: a letter
// unpacked from a packet is replayed on its own, re-packed onto the real local
// queue, and the consumer (this Worker's queue handler) writes it.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN } from "../support/credentials.ts";
import { batchOf, DEAD_LETTER_QUEUE, deliver, event, packet } from "../support/queue-batches.ts";
import { db, eventsFor, eventually, uniq } from "../support/worker-db.ts";

const worker = (exports as unknown as { default: { fetch(r: Request): Promise<Response> } }).default;

describe("replaying dead letters", () => {
  it("replays one event of an unpacked packet: it becomes a row, its packet-mates stay letters", async () => {
    const source = uniq("src");
    const events = [event(source), event(source), event(source)];
    await deliver(batchOf([packet(events)], 1, DEAD_LETTER_QUEUE));
    const letter = await db().deadLetter.findUniqueOrThrow({ where: { key: `${source}/${events[1]!.id}` } });

    const res = await worker.fetch(
      new Request("http://ops.test/admin/dead-letters/replay", {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ ids: [letter.id] }),
      }),
    );
    expect(await res.json()).toMatchObject({ status: "succeeded", enqueued: 1, skipped: 0 });
    const rows = await eventually(
      () => eventsFor(source),
      (r) => r.length === 1,
      15_000,
    );
    expect(rows.map((r) => [r.id, r.receivedAt.toISOString()])).toEqual([[events[1]!.id, events[1]!.receivedAt]]);
    expect(await db().deadLetter.findUniqueOrThrow({ where: { id: letter.id } })).toMatchObject({ status: "replayed", replayCount: 1 });
    expect(await db().deadLetter.count({ where: { source, status: "pending" } })).toBe(2);
  });
});
