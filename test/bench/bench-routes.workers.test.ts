// The benchmark's baseline routes: off unless EVENTLINE_BENCH is "1", and the
// enqueue-only baseline really goes through the local queue and consumer.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app.ts";
import { eventsFor, eventually, testEnv, uniq } from "../support/worker-db.ts";

const worker = (exports as unknown as { default: { fetch(r: Request): Promise<Response> } }).default;
const benchEnv = { ...testEnv, EVENTLINE_BENCH: "1" };
const post = (path: string, body: string, host = "127.0.0.1:8787") =>
  new Request(`http://${host}${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });

describe("benchmark routes", () => {
  it("answer as unknown routes when EVENTLINE_BENCH is not 1 (as in production)", async () => {
    for (const path of ["/__bench/accepted", "/__bench/enqueued"]) {
      const res = await worker.fetch(post(path, '{"id":"x","type":"a","payload":{}}'));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: "not_found" });
    }
  });

  it("answer as unknown routes on a non-loopback host even when EVENTLINE_BENCH is 1 (a stray var on a deployed Worker)", async () => {
    for (const path of ["/__bench/accepted", "/__bench/enqueued"]) {
      const res = await app.request(post(path, '{"id":"x","type":"a","payload":{}}', "eventline.example.workers.dev"), undefined, benchEnv);
      expect(res.status).toBe(404);
    }
  });

  it("/__bench/accepted answers 202 with no body", async () => {
    const res = await app.request(post("/__bench/accepted", "{}"), undefined, benchEnv);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
  });

  it("/__bench/enqueued sends the body's events through the queue, and the consumer writes them", async () => {
    const ids = [uniq("floor"), uniq("floor")];
    const res = await app.request(
      post("/__bench/enqueued", JSON.stringify({ events: ids.map((id) => ({ id, type: "bench.floor", payload: { n: 1 } })) })),
      undefined,
      benchEnv,
    );
    expect(res.status).toBe(202);
    const rows = await eventually(
      () => eventsFor("bench-enqueued"),
      (rs) => ids.every((id) => rs.some((e) => e.id === id)),
    );
    expect(rows.filter((e) => ids.includes(e.id)).map((e) => [e.type, e.payload])).toEqual([
      ["bench.floor", { n: 1 }],
      ["bench.floor", { n: 1 }],
    ]);
  });

  it("/__bench/enqueued refuses bad JSON and more events than one sendBatch takes", async () => {
    expect((await app.request(post("/__bench/enqueued", "{nope"), undefined, benchEnv)).status).toBe(400);
    const many = JSON.stringify({ events: Array.from({ length: 101 }, (_, i) => ({ id: `m${i}`, type: "a", payload: {} })) });
    expect((await app.request(post("/__bench/enqueued", many), undefined, benchEnv)).status).toBe(413);
  });
});
