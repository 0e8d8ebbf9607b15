import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../src/shared/http/cursor.ts";

describe("cursor", () => {
  it("round-trips values through a URL-safe string", () => {
    const c = encodeCursor(["2026-11-27", "page.view/é🎉"]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual(["2026-11-27", "page.view/é🎉"]);
  });

  it("returns undefined for garbage", () => {
    expect(decodeCursor("!!!")).toBeUndefined();
  });
});
