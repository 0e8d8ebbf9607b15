import { describe, expect, it } from "vitest";
import { parseSigningSecrets, signBody, verifySignature } from "../../src/auth/request-signature.ts";

const secret = "whsec_0123456789abcdef";
const body = '{"type":"t","payload":{}}';

describe("request signatures", () => {
  it("accepts a fresh signature over t.body", async () => {
    const header = await signBody(secret, body, 1_000);
    expect(await verifySignature(header, body, secret, 1_000, 300)).toEqual({ ok: true });
    expect(await verifySignature(header, body, secret, 1_300, 300)).toEqual({ ok: true });
  });

  it("rejects a changed body, a wrong secret, a stale timestamp and a missing header", async () => {
    const header = await signBody(secret, body, 1_000);
    expect(await verifySignature(header, `${body} `, secret, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_invalid" });
    expect(await verifySignature(header, body, `${secret}x`, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_invalid" });
    expect(await verifySignature(header, body, secret, 1_301, 300)).toMatchObject({ ok: false, reason: "signature_expired" });
    expect(await verifySignature(null, body, secret, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_required" });
    expect(await verifySignature("garbage", body, secret, 1_000, 300)).toMatchObject({ ok: false, reason: "signature_invalid" });
  });

  it("parses per-source secrets and refuses short ones", () => {
    expect(parseSigningSecrets(`a:${secret}\nb:${secret}2`).get("b")).toBe(`${secret}2`);
    expect(() => parseSigningSecrets("a:short")).toThrow();
  });
});
