import { describe, expect, it } from "vitest";
import { signedEventId, uuidv7 } from "../../src/shared/events/uuidv7.ts";

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  it("is a version-7 UUID that sorts by its timestamp", () => {
    const a = uuidv7(1_800_000_000_000);
    const b = uuidv7(1_800_000_000_001);
    expect(a).toMatch(UUIDV7);
    expect(a < b).toBe(true);
    expect(uuidv7(1_800_000_000_000)).not.toBe(a);
  });

  it("derives the same id from the same signature and index, and different ids otherwise", () => {
    const sig = "0123456789abcdef".repeat(4);
    const id = signedEventId(1_800_000_000, sig, 7);
    expect(id).toMatch(UUIDV7);
    expect(signedEventId(1_800_000_000, sig, 7)).toBe(id);
    const others = [
      signedEventId(1_800_000_000, sig, 8),
      signedEventId(1_800_000_001, sig, 7),
      signedEventId(1_800_000_000, `f${sig.slice(1)}`, 7),
    ];
    expect(new Set([id, ...others]).size).toBe(4);
    // The timestamp part is the request's: ids of one request sort together and by index.
    expect(id.slice(0, 13)).toBe(uuidv7(1_800_000_000_000).slice(0, 13));
    expect(signedEventId(1_800_000_000, sig, 1) < signedEventId(1_800_000_000, sig, 2)).toBe(true);
    expect(() => signedEventId(1_800_000_000, sig, 4096)).toThrow(RangeError);
  });
});
