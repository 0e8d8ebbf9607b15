import { describe, expect, it } from "vitest";
import { toReplayMessages } from "../../src/admin/replay-selection.ts";
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
});
