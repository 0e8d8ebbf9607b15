import { describe, expect, it } from "vitest";
import { toReplayMessages } from "../../src/consumer/admin/replay-selection.ts";
import { eventMessage } from "../support/packets.ts";

describe("toReplayMessages", () => {
  it("replays valid event messages and skips bodies that would only dead-letter again", () => {
    const good = eventMessage({ payload: {} });
    const r = toReplayMessages([
      { id: "l1", body: good },
      { id: "l2", body: { v: 1, source: "s", id: "e2", type: "NOT VALID" } },
      { id: "l3", body: null },
    ]);
    // Packed like any event, keeping the time it was first received (the packet's will be the replay's).
    const text = JSON.stringify({ id: "e1", type: "t", occurredAt: good.occurredAt, payload: {}, receivedAt: good.receivedAt });
    expect(r.replayable).toEqual([{ letterId: "l1", message: good, text, bytes: text.length }]);
    expect(r.skipped.map((s) => s.letterId)).toEqual(["l2", "l3"]);
    expect(r.skipped[0]!.reason).toContain("type");
  });

  it("skips an event whose receipt day is past retention, with its own code, and replays the others", () => {
    const old = eventMessage({ payload: {}, occurredAt: "2026-01-01T10:00:00.000Z", receivedAt: "2026-01-01T10:00:00.000Z" });
    const kept = eventMessage({ payload: {}, id: "e2", occurredAt: "2026-03-01T10:00:00.000Z", receivedAt: "2026-03-01T10:00:00.000Z" });
    const r = toReplayMessages(
      [
        { id: "old", body: old },
        { id: "kept", body: kept },
      ],
      new Date("2026-02-01T00:00:00Z"),
    );
    expect(r.replayable.map((x) => x.letterId)).toEqual(["kept"]);
    expect(r.skipped).toEqual([{ letterId: "old", code: "receipt_day_expired", reason: expect.stringContaining("2026-02-01") }]);
  });
});
