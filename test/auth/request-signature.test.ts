import { describe, expect, it } from "vitest";
import { signBody } from "../../client/src/signature.ts";
import { parseSignatureHeader, parseSigningSecrets, verifySignature } from "../../src/auth/request-signature.ts";

const secret = "whsec_0123456789abcdef";
const body = '{"type":"t","payload":{}}';
const bytes = (s: string) => new TextEncoder().encode(s);

describe("request signatures", () => {
  it("accepts a fresh signature over t and the body's bytes, and says which timestamp and signature matched", async () => {
    const header = await signBody(secret, body, 1_000);
    const v1 = header.split("v1=")[1];
    expect(await verifySignature(header, bytes(body), secret, 1_000, 300)).toEqual({ ok: true, timestamp: 1_000, signature: v1 });
    expect(await verifySignature(header, bytes(body), secret, 1_300, 300)).toMatchObject({ ok: true });
  });

  it("rejects a changed body, a wrong secret, a stale timestamp and a missing header", async () => {
    const header = await signBody(secret, body, 1_000);
    expect(await verifySignature(header, bytes(`${body} `), secret, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_invalid" });
    expect(await verifySignature(header, bytes(body), `${secret}x`, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_invalid" });
    expect(await verifySignature(header, bytes(body), secret, 1_301, 300)).toMatchObject({ ok: false, reason: "signature_expired" });
    expect(await verifySignature(null, bytes(body), secret, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_required" });
    expect(await verifySignature("garbage", bytes(body), secret, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_invalid" });
  });

  it("covers the exact bytes: a BOM or an invalid UTF-8 sequence is part of what was signed", async () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(body)]);
    const invalid = new Uint8Array([...bytes('{"type":"t","payload":{"s":"'), 0xff, ...bytes('"}}')]);
    for (const signed of [withBom, invalid]) {
      const header = await signBody(secret, signed, 1_000);
      expect(await verifySignature(header, signed, secret, 1_000, 300)).toMatchObject({ ok: true });
      // The same text without those bytes (what a decoder would hand over) does not match.
      expect(await verifySignature(header, bytes(new TextDecoder().decode(signed)), secret, 1_000, 300)).toMatchObject({ ok: false });
    }
  });

  it("takes only a plain integer timestamp and 64-hex signatures; any one of several v1 values may match", async () => {
    const v1 = (await signBody(secret, body, 1_000)).split("v1=")[1]!;
    for (const t of ["1000.0", "1000e0", "0x3e8", "+1000", " 1000x", "", "1e3"]) {
      expect(parseSignatureHeader(`t=${t},v1=${v1}`), t).toBeUndefined();
    }
    expect(parseSignatureHeader(`t=1000,v1=${v1.slice(1)}`)).toBeUndefined();
    expect(parseSignatureHeader(`t=1000,t=1001,v1=${v1}`)).toBeUndefined();
    const rotated = `t=1000,v1=${"0".repeat(64)},v0=legacy,v1=${v1}`;
    expect(await verifySignature(rotated, bytes(body), secret, 1_000, 300)).toMatchObject({ ok: true, signature: v1 });
  });

  it("parses per-source secrets and refuses short ones", () => {
    expect(parseSigningSecrets(`a:${secret}\nb:${secret}2`).get("b")).toBe(`${secret}2`);
    expect(() => parseSigningSecrets("a:short")).toThrow();
  });
});
