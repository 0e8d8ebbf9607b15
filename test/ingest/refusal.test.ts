import { describe, expect, it } from "vitest";
import { refusal } from "../../src/producer/ingest/refusal.ts";
import type { Rejection } from "../../src/producer/ingest/rejection.ts";

const r = (code: Rejection["code"], index = 0): Rejection => ({ index, code, path: "type", message: "bad" });

describe("refusal", () => {
  it("accepts a batch with at least one valid event unless atomic", () => {
    expect(refusal({ single: false, atomic: false, total: 2, accepted: 1, rejected: [r("invalid_field")] })).toBeUndefined();
    expect(refusal({ single: false, atomic: true, total: 2, accepted: 1, rejected: [r("invalid_field")] })).toMatchObject({
      status: 400,
      code: "batch_rejected",
    });
    expect(refusal({ single: false, atomic: true, total: 2, accepted: 2, rejected: [] })).toBeUndefined();
  });

  it("lets a single event answer for itself", () => {
    expect(refusal({ single: true, atomic: false, total: 1, accepted: 0, rejected: [r("invalid_field")] })).toEqual({
      status: 400,
      code: "invalid_event",
      message: "type: bad",
    });
    expect(refusal({ single: true, atomic: false, total: 1, accepted: 0, rejected: [r("event_too_large")] })).toMatchObject({
      status: 413,
      code: "event_too_large",
    });
  });

  it("answers 400, or 413 when every event was too large, for a batch with nothing valid", () => {
    expect(
      refusal({ single: false, atomic: false, total: 2, accepted: 0, rejected: [r("invalid_field"), r("event_too_large", 1)] }),
    ).toMatchObject({ status: 400, code: "no_valid_events" });
    expect(
      refusal({ single: false, atomic: false, total: 2, accepted: 0, rejected: [r("event_too_large"), r("event_too_large", 1)] }),
    ).toMatchObject({ status: 413, code: "no_valid_events" });
  });
});
