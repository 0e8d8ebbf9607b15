import { type SignedRequest, signRequest } from "@eventline/protocol";
import { describe, expect, it } from "vitest";
import { parseSignatureHeader, parseSigningSecrets, verifySignature } from "../../src/producer/ingest/request-signature.ts";

const secret = "whsec_0123456789abcdef";
const body = '{"type":"t","payload":{}}';
const bytes = (s: string) => new TextEncoder().encode(s);
const req: SignedRequest = { method: "POST", target: "/v1/events", headers: { "content-type": "application/json" } };
const verify = (header: string | null, r: SignedRequest, b: string | Uint8Array, now: number, s = secret) =>
  verifySignature(header, r, typeof b === "string" ? bytes(b) : b, s, now, 300);

describe("request signatures (v2)", () => {
  it("accepts a fresh signature over the request and the body's bytes, and says which timestamp and signature matched", async () => {
    const header = await signRequest(secret, req, body, 1_000);
    const v2 = header.split("v2=")[1];
    expect(await verify(header, req, body, 1_000)).toEqual({ ok: true, timestamp: 1_000, signature: v2 });
    expect(await verify(header, req, body, 1_300)).toMatchObject({ ok: true });
  });

  it("rejects a changed body, a wrong secret, a stale timestamp and a missing header", async () => {
    const header = await signRequest(secret, req, body, 1_000);
    expect(await verify(header, req, `${body} `, 1_000)).toMatchObject({ ok: false, reason: "signature_invalid" });
    expect(await verify(header, req, body, 1_000, `${secret}x`)).toMatchObject({ ok: false, reason: "signature_invalid" });
    expect(await verify(header, req, body, 1_301)).toMatchObject({ ok: false, reason: "signature_expired" });
    expect(await verify(null, req, body, 1_000)).toMatchObject({ ok: false, reason: "signature_required" });
    expect(await verify("garbage", req, body, 1_000)).toMatchObject({ ok: false, reason: "signature_invalid" });
  });

  it("covers everything that changes the request's meaning: content type, every ce-* header, method, path and query", async () => {
    const signed: SignedRequest = {
      method: "POST",
      target: "/v1/events",
      headers: { "content-type": "application/json", "ce-id": "a", "ce-type": "t" },
    };
    const header = await signRequest(secret, signed, body, 1_000);
    expect(await verify(header, signed, body, 1_000)).toMatchObject({ ok: true });
    const changed: SignedRequest[] = [
      { ...signed, headers: { "content-type": "application/cloudevents+json", "ce-id": "a", "ce-type": "t" } },
      { ...signed, headers: { "content-type": "application/json", "ce-id": "b", "ce-type": "t" } },
      { ...signed, headers: { "content-type": "application/json", "ce-id": "a", "ce-type": "t", "ce-time": "2020-01-01T00:00:00Z" } },
      { ...signed, headers: { "content-type": "application/json", "ce-id": "a" } },
      { ...signed, target: "/v1/events?atomic=true" },
      { ...signed, method: "PUT" },
    ];
    for (const r of changed)
      expect(await verify(header, r, body, 1_000), JSON.stringify(r)).toMatchObject({ ok: false, reason: "signature_invalid" });
    // Header names are case-insensitive and their order is not meaning.
    const reordered = { ...signed, headers: { "CE-TYPE": "t", "Content-Type": "Application/JSON", "Ce-Id": "a" } };
    expect(await verify(header, reordered, body, 1_000)).toMatchObject({ ok: true });
  });

  it("refuses a body-only v1 signature, however valid it once was", async () => {
    const v2 = (await signRequest(secret, req, body, 1_000)).split("v2=")[1]!;
    expect(await verify(`t=1000,v1=${v2}`, req, body, 1_000)).toMatchObject({
      ok: false,
      reason: "signature_invalid",
      message: expect.stringMatching(/v1/),
    });
  });

  it("allows a timestamp only clock skew ahead, however long the tolerance behind", async () => {
    const ahead = await signRequest(secret, req, body, 1_031);
    expect(await verify(ahead, req, body, 1_000)).toMatchObject({ ok: false, reason: "signature_invalid" });
    expect(await verify(await signRequest(secret, req, body, 1_030), req, body, 1_000)).toMatchObject({ ok: true });
  });

  it("covers the exact bytes: a BOM or an invalid UTF-8 sequence is part of what was signed", async () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(body)]);
    const invalid = new Uint8Array([...bytes('{"type":"t","payload":{"s":"'), 0xff, ...bytes('"}}')]);
    for (const signed of [withBom, invalid]) {
      const header = await signRequest(secret, req, signed, 1_000);
      expect(await verify(header, req, signed, 1_000)).toMatchObject({ ok: true });
      expect(await verify(header, req, new TextDecoder().decode(signed), 1_000)).toMatchObject({ ok: false });
    }
  });

  it("takes only a plain integer timestamp and 64-hex signatures; any one of several v2 values may match", async () => {
    const v2 = (await signRequest(secret, req, body, 1_000)).split("v2=")[1]!;
    for (const t of ["1000.0", "1000e0", "0x3e8", "+1000", " 1000x", "", "1e3"]) {
      expect(parseSignatureHeader(`t=${t},v2=${v2}`), t).toBeUndefined();
    }
    expect(parseSignatureHeader(`t=1000,v2=${v2.slice(1)}`)).toBeUndefined();
    expect(parseSignatureHeader(`t=1000,t=1001,v2=${v2}`)).toBeUndefined();
    const rotated = `t=1000,v2=${"0".repeat(64)},v0=legacy,v2=${v2}`;
    expect(await verify(rotated, req, body, 1_000)).toMatchObject({ ok: true, signature: v2 });
  });

  it("parses per-source secrets and refuses short ones", () => {
    expect(parseSigningSecrets(`a:${secret}\nb:${secret}2`).get("b")).toBe(`${secret}2`);
    expect(() => parseSigningSecrets("a:short")).toThrow();
  });
});
