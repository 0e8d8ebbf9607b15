import { describe, expect, it } from "vitest";
import { parseBody } from "../../src/producer/ingest/parse-body.ts";

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

  it("names the physical line of a broken NDJSON line, blank lines counted", () => {
    const r = parseBody(h({ "content-type": "application/x-ndjson" }), '{"type":"a","payload":{}}\n\n\n\n{oops\n');
    expect(r.candidates[1]).toMatchObject({ ok: false, rejection: { index: 1, message: expect.stringMatching(/^line 5: /) } });
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
      senderPath: expect.any(Function),
    });
  });

  it("treats a CloudEvents attribute named error as just an attribute, of the types CloudEvents allows", () => {
    const ce = (error: unknown) => ({ specversion: "1.0", id: "e", source: "/s", type: "t", error });
    for (const error of ["boom", true, 42, -(2 ** 31)]) {
      expect(parseBody(h({ "content-type": "application/cloudevents+json" }), JSON.stringify(ce(error))).candidates[0]).toMatchObject({
        ok: true,
        attributes: { error },
      });
    }
    // null is an absent attribute (the JSON format's rule).
    const absent = parseBody(h({ "content-type": "application/cloudevents+json" }), JSON.stringify(ce(null))).candidates[0]!;
    expect(absent).toMatchObject({ ok: true });
    expect(absent.ok && "error" in (absent.attributes ?? {})).toBe(false);
  });

  it("refuses an attribute value of a type CloudEvents does not allow, naming the attribute", () => {
    const ce = (ext: unknown) => ({ specversion: "1.0", id: "e", source: "/s", type: "t", ext });
    for (const ext of [{}, { path: "x" }, [], [1], 1.5, 2 ** 31, 1e300]) {
      const r = parseBody(h({ "content-type": "application/cloudevents-batch+json" }), JSON.stringify([ce(ext), ce("ok")]));
      expect(
        r.candidates.map((c) => (c.ok ? "ok" : [c.rejection.code, c.rejection.path])),
        JSON.stringify(ext),
      ).toEqual([["invalid_cloudevent", "ext"], "ok"]);
    }
  });

  it("refuses attribute names CloudEvents does not allow, and what Postgres cannot store, per event", () => {
    const ce = (extra: Record<string, unknown>) => ({ specversion: "1.0", id: "e", source: "/s", type: "t", ...extra });
    const r = parseBody(
      h({ "content-type": "application/cloudevents-batch+json" }),
      `[${JSON.stringify(ce({ Bad_Name: 1 }))},${JSON.stringify(ce({ subject: "a\u0000b" }))},${JSON.stringify(ce({ source: "\ud800" }))},{"specversion":"1.0","id":"e","source":"/s","type":"t","__proto__":1}]`,
    );
    expect(r.candidates.map((c) => (c.ok ? "ok" : [c.rejection.code, c.rejection.path]))).toEqual([
      ["invalid_cloudevent", "Bad_Name"],
      ["invalid_cloudevent", "subject"],
      ["invalid_cloudevent", "source"],
      ["invalid_cloudevent", "__proto__"],
    ]);
  });

  it("rejects the event with a repeated key or an inexact number, with its path, and keeps the rest of the batch", () => {
    const r = parseBody(
      json,
      '{"events":[{"type":"a","payload":{"k":1,"k":2}},{"type":"b","payload":{"n":1e400}},{"type":"c","payload":{"n":9007199254740993}},{"type":"d","payload":{"n":1.50}}]}',
    );
    expect(r.candidates.map((c) => (c.ok ? "ok" : [c.rejection.code, c.rejection.path]))).toEqual([
      ["invalid_field", "payload.k"],
      ["invalid_field", "payload.n"],
      ["invalid_field", "payload.n"],
      "ok",
    ]);
  });

  it("rejects an event nested too deep, in any format, without failing its neighbours", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const batch = parseBody(json, `{"events":[{"type":"a","payload":{"a":${deep}}},{"type":"b","payload":{}}]}`);
    expect(batch.candidates.map((c) => (c.ok ? "ok" : [c.rejection.code, c.rejection.message]))).toEqual([
      ["invalid_field", "nests deeper than 64 levels"],
      "ok",
    ]);
    const ndjson = parseBody(
      h({ "content-type": "application/x-ndjson" }),
      `{"type":"a","payload":{"a":${deep}}}\n{"type":"b","payload":{}}`,
    );
    expect(ndjson.candidates.map((c) => c.ok)).toEqual([false, true]);
    const ce = parseBody(
      h({ "content-type": "application/cloudevents-batch+json" }),
      `[{"specversion":"1.0","id":"1","source":"/","type":"t","data":${deep}}]`,
    );
    expect(ce.candidates[0]).toMatchObject({ ok: false, rejection: { code: "invalid_field", path: expect.stringMatching(/^data/) } });
  });

  it("refuses a batch whose own structure is ambiguous: a repeated events key, or another key beside it", () => {
    for (const body of ['{"events":[{"type":"a","payload":{}}],"events":[]}', '{"events":[{"type":"a","payload":{}}],"extra":1}']) {
      expect(() => parseBody(json, body)).toThrowError(expect.objectContaining({ status: 400, code: "invalid_body" }));
    }
  });

  it("takes the content type over ce-* headers: a batch with a stray ce-specversion header is still a batch", () => {
    const r = parseBody(
      h({ "content-type": "application/cloudevents-batch+json", "ce-specversion": "1.0" }),
      JSON.stringify([1, 2].map((n) => ({ specversion: "1.0", id: `b${n}`, source: "/s", type: "t", data: { n } }))),
    );
    expect(r.single).toBe(false);
    expect(r.candidates.map((c) => c.ok && (c.event as { id: string }).id)).toEqual(["b1", "b2"]);
  });

  it("binary mode: the data is the body; a ce-data header is refused, not stored", () => {
    const headers = { "ce-specversion": "1.0", "ce-id": "b1", "ce-source": "/s", "ce-type": "t.x" };
    expect(parseBody(h({ ...headers, "content-type": "application/json", "ce-data": '{"x":1}' }), "").candidates[0]).toMatchObject({
      ok: false,
      rejection: { code: "invalid_cloudevent", path: "ce-data" },
    });
    expect(parseBody(h({ ...headers, "content-type": "application/json" }), "").candidates[0]).toMatchObject({
      ok: true,
      event: { payload: {} },
    });
    expect(parseBody(h({ ...headers, "ce-subject": "a%00b" }), "{}").candidates[0]).toMatchObject({
      ok: false,
      rejection: { path: "subject" },
    });
    expect(parseBody(h({ ...headers, "content-type": "text/plain" }), "a\u0000b").candidates[0]).toMatchObject({
      ok: false,
      rejection: { path: "data" },
    });
    expect(parseBody(h({ ...headers, "content-type": "text/plain" }), "hello").candidates[0]).toMatchObject({
      ok: true,
      event: { payload: { data: "hello" } },
      attributes: { datacontenttype: "text/plain" },
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
