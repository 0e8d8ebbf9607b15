import { describe, expect, it } from "vitest";
import { parseBody } from "../../src/ingest/parse-body.ts";

const h = (init: Record<string, string>) => new Headers(init);
const json = h({ "content-type": "application/json" });

describe("parseBody", () => {
  it("reads one native event and a batch", () => {
    expect(parseBody(json, '{"type":"a","payload":{}}')).toEqual({
      single: true,
      candidates: [{ index: 0, ok: true, event: { type: "a", payload: {} } }],
    });
    const batch = parseBody(json, '{"events":[{"type":"a"},{"type":"b"}]}');
    expect(batch.single).toBe(false);
    expect(batch.candidates.map((c) => c.index)).toEqual([0, 1]);
  });

  it("reads NDJSON and rejects only the broken line", () => {
    const r = parseBody(h({ "content-type": "application/x-ndjson" }), '{"type":"a","payload":{}}\n{oops\n\n{"type":"c","payload":{}}\n');
    expect(r.candidates.map((c) => c.ok)).toEqual([true, false, true]);
    expect(r.candidates[1]).toMatchObject({ ok: false, rejection: { index: 1, code: "invalid_json" } });
  });

  it("maps a structured CloudEvent, keeping its source URI and extensions as attributes", () => {
    const ce = {
      specversion: "1.0",
      id: "ce-1",
      source: "https://shop.example/orders",
      type: "com.example.order.created",
      time: "2026-11-27T10:00:00Z",
      data: { total: 5 },
      subject: "o-1",
      tenantext: "x",
    };
    const r = parseBody(h({ "content-type": "application/cloudevents+json; charset=utf-8" }), JSON.stringify(ce));
    expect(r.candidates[0]).toEqual({
      index: 0,
      ok: true,
      event: { id: "ce-1", type: "com.example.order.created", occurredAt: "2026-11-27T10:00:00Z", payload: { total: 5 } },
      attributes: { specversion: "1.0", ceSource: "https://shop.example/orders", subject: "o-1", tenantext: "x" },
    });
  });

  it("reads binary-mode CloudEvents from ce-* headers and wraps non-object data", () => {
    const r = parseBody(
      h({ "content-type": "application/json", "ce-specversion": "1.0", "ce-id": "b1", "ce-source": "/s", "ce-type": "t.x" }),
      "[1,2]",
    );
    expect(r.candidates[0]).toMatchObject({
      ok: true,
      event: { id: "b1", type: "t.x", payload: { data: [1, 2] } },
      attributes: { ceSource: "/s", datacontenttype: "application/json" },
    });
  });

  it("reports CloudEvents without specversion 1.0 per event in a batch", () => {
    const r = parseBody(
      h({ "content-type": "application/cloudevents-batch+json" }),
      JSON.stringify([
        { specversion: "0.3", id: "1", source: "/", type: "t" },
        { specversion: "1.0", id: "2", source: "/", type: "t" },
      ]),
    );
    expect(r.candidates[0]).toMatchObject({ ok: false, rejection: { code: "invalid_cloudevent", path: "specversion" } });
    expect(r.candidates[1]!.ok).toBe(true);
  });

  it("answers whole-body problems with status and code", () => {
    expect(() => parseBody(json, "{")).toThrowError(expect.objectContaining({ status: 400, code: "invalid_json" }));
    expect(() => parseBody(json, "[1]")).toThrowError(expect.objectContaining({ status: 400, code: "invalid_body" }));
    expect(() => parseBody(json, '{"events":[]}')).toThrowError(expect.objectContaining({ status: 400, code: "invalid_body" }));
    expect(() => parseBody(h({ "content-type": "text/plain" }), "x")).toThrowError(
      expect.objectContaining({ status: 415, code: "unsupported_media_type" }),
    );
    expect(() => parseBody(h({}), "x")).toThrowError(expect.objectContaining({ status: 415 }));
  });

  it("allows 1,000 events and refuses 1,001", () => {
    const body = (n: number) => JSON.stringify({ events: Array.from({ length: n }, () => ({ type: "t", payload: {} })) });
    expect(parseBody(json, body(1000)).candidates).toHaveLength(1000);
    expect(() => parseBody(json, body(1001))).toThrowError(expect.objectContaining({ status: 413, code: "too_many_events" }));
  });
});
