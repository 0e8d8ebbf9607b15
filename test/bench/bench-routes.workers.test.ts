// The benchmark's build of the producer (bench/worker/bench-entry.ts): its
// baseline routes answer, the enqueue-only one really puts messages on the
// local queue, and the production entry has none of them.

import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import benchEntry from "../../bench/worker/bench-entry.ts";
import { enqueuedEvent } from "../support/recorded-messages.ts";
import { uniq } from "../support/uniq.ts";

const production = exports.default;
const post = (path: string, body: string) =>
  new Request(`http://127.0.0.1:8787${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
const bench = (req: Request) => benchEntry.fetch(req as Parameters<typeof benchEntry.fetch>[0], env, createExecutionContext());

describe("benchmark routes", () => {
  it("do not exist in the production Worker", async () => {
    for (const path of ["/__bench/accepted", "/__bench/enqueued"]) {
      const res = await production.fetch(post(path, '{"id":"x","type":"a","payload":{}}'));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: "not_found" });
    }
  });

  it("/__bench/accepted answers 202 with no body", async () => {
    const res = await bench(post("/__bench/accepted", "{}"));
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
  });

  it("everything else is the production Worker's", async () => {
    expect(await (await bench(new Request("http://127.0.0.1:8787/healthz"))).json()).toEqual({ status: "ok" });
  });

  it("/__bench/enqueued puts the body's events on the queue", async () => {
    const ids = [uniq("floor"), uniq("floor")];
    const res = await bench(
      post("/__bench/enqueued", JSON.stringify({ events: ids.map((id) => ({ id, type: "bench.floor", payload: { n: 1 } })) })),
    );
    expect(res.status).toBe(202);
    for (const id of ids) expect(await enqueuedEvent("bench-enqueued", id)).toMatchObject({ type: "bench.floor", payload: { n: 1 } });
  });

  it("/__bench/enqueued refuses bad JSON", async () => {
    expect((await bench(post("/__bench/enqueued", "{nope"))).status).toBe(400);
  });
});
