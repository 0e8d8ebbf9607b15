// fetch and queue handlers, integration style through the Worker's own entry:
// every invocation opens its own connection through the HYPERDRIVE binding
// and closes it. A client kept at module scope fails the second of two
// invocations in one isolate (prisma/orm #30255; docs/contributing.md), so many
// invocations, one after another and at once, must all succeed.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contractChecked } from "../support/contract.ts";
import { TEST_ADMIN_TOKEN } from "../support/credentials.ts";
import { batchOf, deliver, event, text } from "../support/queue-batches.ts";
import { eventsFor, uniq } from "../support/worker-db.ts";

const fetchChecked = contractChecked("consumer", (r) => exports.default.fetch(r));
const stats = async () =>
  (await fetchChecked(new Request("http://eventline.test/admin/stats", { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })))
    .status;

describe("one database connection per invocation", () => {
  it("answers HTTP requests that reach the database one after another and 30 at once", async () => {
    for (let i = 0; i < 5; i++) expect(await stats()).toBe(200);
    expect(await Promise.all(Array.from({ length: 30 }, stats))).toEqual(Array(30).fill(200));
    expect(await stats()).toBe(200);
  });

  it("writes queue batches delivered one after another and 20 at once", async () => {
    const source = uniq("src");
    const batches = Array.from({ length: 25 }, () => batchOf([text(event(source)), text(event(source))]));
    for (const b of batches.slice(0, 5)) expect((await deliver(b)).explicitAcks).toHaveLength(2);
    const results = await Promise.all(batches.slice(5).map((b) => deliver(b)));
    for (const r of results) expect(r.explicitAcks).toHaveLength(2);
    expect(await eventsFor(source)).toHaveLength(50);
  });
});
