// Client and server agree on the signature: a request @eventline/client
// signs is one the producer's verifySignature accepts, over the very bytes
// and headers sent; both through their public entry points.
import { Eventline } from "@eventline/client";
import { describe, expect, it } from "vitest";
import { verifySignature } from "../../src/producer/ingest/request-signature.ts";

describe("client and server on the signature", () => {
  it("the client signs the exact request it sends, as the server verifies it", async () => {
    const secret = "a-secret-of-16-chars";
    const seen: { url: string; headers: Headers; body: Uint8Array }[] = [];
    const fetch = async (url: string | URL | Request, init?: RequestInit) => {
      const body = init?.body as Uint8Array;
      seen.push({ url: String(url), headers: new Headers(init?.headers), body });
      const events = JSON.parse(new TextDecoder().decode(body)).events as { id: string }[];
      return Response.json({ accepted: events.map((e, index) => ({ index, id: e.id })), rejected: [] }, { status: 202 });
    };
    const client = new Eventline({ url: "http://eventline.test", apiKey: "k", signingSecret: secret, fetch });
    await client.send([
      { type: "t", payload: { n: 1 } },
      { type: "t", payload: { s: "é😀" } },
    ]);
    await client.close();
    const { url, headers, body } = seen[0]!;
    const { pathname, search } = new URL(url);
    const check = await verifySignature(
      headers.get("x-eventline-signature"),
      { method: "POST", target: `${pathname}${search}`, headers },
      body,
      secret,
      Math.floor(Date.now() / 1000),
      300,
    );
    expect(check.ok).toBe(true);
    expect(headers.get("authorization")).toBe("Bearer k");
  });
});
