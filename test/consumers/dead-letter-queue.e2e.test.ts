// The whole retry path on the real local queue: a retryable failure is
// retried with backoff, then after max_retries the queue moves the message to
// the dead-letter queue, whose consumer persists it; after the fault is fixed a
// replay writes the event. Nothing is lost on the way.

import { Eventline } from "@eventline/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, startE2eStack } from "../support/e2e-stack.ts";
import { eventually } from "../support/eventually.ts";

let e2e: E2eStack;
beforeAll(async () => {
  // One retry instead of eight, and the dead-letter consumer's batch window at 1 s instead of 5, so the
  // message reaches the table within seconds.
  e2e = await startE2eStack("dlq", [
    [/^max_retries = 8 .*$/m, "max_retries = 1"],
    [/^max_batch_timeout = 5$/m, "max_batch_timeout = 1"],
  ]);
});
afterAll(() => e2e?.stop());

describe("retryable failures end in the dead-letter table, and replay recovers them", () => {
  it("retries, dead-letters after max_retries, and replays once the database is fixed", async () => {
    const { stack, sql } = e2e;
    const id = `dlq-${Date.now()}`;
    // A retryable fault for the events consumer only (SQLSTATE 42P01): the dead-letter table stays writable.
    await sql("ALTER TABLE events RENAME TO events_offline");
    const client = new Eventline({ url: stack.ingestUrl, apiKey: stack.secrets.apiKey });
    expect(await client.send({ id, type: "dlq.test", payload: { n: 1 } })).toEqual({ status: "accepted", id });
    await client.close();

    const letters = await eventually(
      () => sql("SELECT id, error_code, status, body FROM dead_letters WHERE event_id = $1", [id]),
      (r) => r.length === 1,
      60_000,
      250,
    );
    expect(letters).toEqual([
      expect.objectContaining({
        error_code: "retries_exhausted",
        status: "pending",
        body: expect.objectContaining({ id, type: "dlq.test" }),
      }),
    ]);

    await sql("ALTER TABLE events_offline RENAME TO events");
    const replay = await fetch(`${stack.opsUrl}/admin/dead-letters/replay`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.secrets.adminToken}` },
      body: JSON.stringify({ ids: [letters[0].id] }),
    });
    expect(await replay.json()).toMatchObject({ status: "succeeded", enqueued: 1 });
    const rows = await eventually(
      () => sql("SELECT id, payload FROM events WHERE id = $1", [id]),
      (r) => r.length === 1,
      15_000,
    );
    expect(rows).toEqual([{ id, payload: { n: 1 } }]);
  });
});
