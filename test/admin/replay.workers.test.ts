// fetch handler, POST /admin/dead-letters/replay, integration style: a letter
// unpacked from a packet is replayed on its own, re-packed onto the real local
// queue, and the consumer (this Worker's queue handler) writes it.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { continueReplay } from "../../src/consumer/admin/replay-dead-letters.ts";
import { createReplayJob } from "../../src/consumer/db/replay-jobs.ts";
import { contractChecked } from "../support/contract.ts";
import { TEST_ADMIN_TOKEN } from "../support/credentials.ts";
import { batchOf, DEAD_LETTER_QUEUE, deliver, event, packet } from "../support/queue-batches.ts";
import { db, eventsFor, eventually, uniq } from "../support/worker-db.ts";

/** The Worker's own entry, every exchange checked against its OpenAPI document. */
const worker = { fetch: contractChecked("consumer", (r) => exports.default.fetch(r)) };

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

describe("a replay the queue refuses", () => {
  it("fails the job with the queue's error and leaves the letters pending for a new replay", async () => {
    const source = uniq("src");
    await deliver(batchOf([packet([event(source), event(source)])], 1, DEAD_LETTER_QUEUE));
    const job = await createReplayJob(db(), { filter: { source } }, 2);
    // A stand-in for a queue that refuses: the local queue never does, and the job's bookkeeping is what is tested.
    const refusing = {
      sendBatch: async () => {
        throw new Error("Queue sendBatch failed: Queue storage limit exceeded");
      },
    } as unknown as Queue<string>;
    const ended = await continueReplay(db(), refusing, job.id, 5_000);
    expect(ended).toMatchObject({ status: "failed", enqueued: 0, error: expect.stringContaining("storage limit") });
    expect(await db().deadLetter.count({ where: { source, status: "pending" } })).toBe(2);
  });
});
