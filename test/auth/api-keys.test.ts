import { describe, expect, it } from "vitest";
import { generateApiKey, identifyKey, parseApiKeys, presentedKey } from "../../src/shared/auth/api-keys.ts";
import { sha256Hex, timingSafeEqualString } from "../../src/shared/auth/sha256.ts";

describe("API keys", () => {
  it("maps a key to its source through its SHA-256 hash only", async () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const entries = parseApiKeys(`tenant-a:${await sha256Hex(a)}\n# comment\ntenant-b:${await sha256Hex(b)}`);
    expect(await identifyKey(a, entries)).toEqual({ hash: await sha256Hex(a), source: "tenant-a" });
    expect((await identifyKey(b, entries)).source).toBe("tenant-b");
    expect((await identifyKey(`${a}x`, entries)).source).toBeUndefined();
  });

  it("refuses malformed configuration instead of ignoring it", () => {
    expect(() => parseApiKeys("tenant-a:plaintext-key")).toThrow(/entry 1/);
    expect(() => parseApiKeys(`Tenant A:${"0".repeat(64)}`)).toThrow();
    expect(parseApiKeys(undefined)).toEqual([]);
  });

  it("reads Bearer and X-Api-Key headers", () => {
    expect(presentedKey(new Headers({ authorization: "Bearer k1" }))).toBe("k1");
    expect(presentedKey(new Headers({ "x-api-key": "k2" }))).toBe("k2");
    expect(presentedKey(new Headers({ authorization: "Basic abc" }))).toBeUndefined();
  });

  it("generates distinct, prefixed keys", () => {
    const k = generateApiKey();
    expect(k).toMatch(/^evl_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(k);
  });

  it("compares strings exactly", () => {
    expect(timingSafeEqualString("abc", "abc")).toBe(true);
    expect(timingSafeEqualString("abc", "abd")).toBe(false);
    expect(timingSafeEqualString("abc", "abcd")).toBe(false);
  });
});
