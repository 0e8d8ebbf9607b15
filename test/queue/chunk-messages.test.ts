import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/shared/config/limits.ts";
import { chunkBySizeAndCount } from "../../src/shared/queue/chunk-messages.ts";

describe("chunkBySizeAndCount", () => {
  it("never puts more than 100 messages in a chunk and keeps order", () => {
    const items = Array.from({ length: 250 }, (_, i) => i);
    const chunks = chunkBySizeAndCount(items, () => 10);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunks.flat()).toEqual(items);
  });

  it("never exceeds 256 KB per chunk, counting per-message overhead", () => {
    const size = 60 * 1024;
    const chunks = chunkBySizeAndCount(
      Array.from({ length: 10 }, (_, i) => i),
      () => size,
    );
    for (const c of chunks) expect(c.length * (size + LIMITS.sendOverheadBytesPerMessage)).toBeLessThanOrEqual(LIMITS.maxBytesPerSend);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 2]);
  });

  it("returns no chunks for no items", () => {
    expect(chunkBySizeAndCount([], () => 1)).toEqual([]);
  });
});
