import { describe, expect, it } from "vitest";
import { classifyResponse } from "../src/classify-response.ts";

const body = (v: unknown) => JSON.stringify(v);
const lists = { accepted: [{ index: 0, id: "a" }], rejected: [{ index: 1, code: "invalid_field", path: "type", message: "bad" }] };

describe("classifyResponse", () => {
  it("reads per-event outcomes from a 202 and from a 400/413 that refused every event", () => {
    for (const status of [202, 400, 413]) expect(classifyResponse(status, body(lists), null)).toEqual({ kind: "outcomes", ...lists });
  });

  it("splits on a 413 without lists", () => {
    expect(classifyResponse(413, body({ code: "payload_too_large", message: "too big" }), null)).toMatchObject({ kind: "split" });
    expect(classifyResponse(413, "<html>", null)).toMatchObject({ kind: "split", code: "http_413" });
  });

  it("retries 408, 429 and 5xx with the server's Retry-After, and a 2xx it cannot read", () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(classifyResponse(status, body({ code: "x", message: "y" }), "2")).toEqual({
        kind: "retry",
        code: "x",
        message: "y",
        retryAfterMs: 2000,
      });
    }
    expect(classifyResponse(200, "ok", null)).toMatchObject({ kind: "retry", code: "invalid_response" });
  });

  it("never retries 400, 401, 403 or 415", () => {
    for (const [status, code] of [
      [400, "invalid_body"],
      [401, "unauthorized"],
      [403, "forbidden"],
      [415, "unsupported_media_type"],
    ] as const) {
      expect(classifyResponse(status, body({ code, message: "m" }), "1")).toEqual({ kind: "fail", code, message: "m" });
    }
  });

  it("excludes the event that named another tenant's source", () => {
    const refused = body({ code: "source_forbidden", message: 'not "x"', index: 3, path: "source" });
    expect(classifyResponse(403, refused, null)).toEqual({
      kind: "exclude",
      index: 3,
      code: "source_forbidden",
      path: "source",
      message: 'not "x"',
    });
  });
});
