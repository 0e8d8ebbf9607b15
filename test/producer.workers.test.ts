// fetch handler (producer Worker), integration style: requests go through
// the Worker's default export, events onto the real local queue; what the
// queue delivers is read back as delivered (test/support/recorded-messages.ts).
// Rows in Postgres are the consumer's tests' and the e2e tests' business.
import { exports } from "cloudflare:workers";
import { signRequest } from "@eventline/protocol";
import { CloudEvent, HTTP } from "cloudevents";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../src/shared/config/limits.ts";
import { contractChecked } from "./support/contract.ts";
import { TEST_AUTH_FAILURE_LIMIT, TEST_KEYS, TEST_RATE_LIMIT, TEST_SIGNING_SECRET, TEST_SOURCES } from "./support/credentials.ts";
import { enqueued, enqueuedEvent } from "./support/recorded-messages.ts";
import { uniq } from "./support/uniq.ts";

/** The Worker's own entry, every exchange checked against its OpenAPI document. */
const worker = { fetch: contractChecked("producer", (r) => exports.default.fetch(r)) };
const post = (body: string, headers: Record<string, string> = {}, query = "") =>
  worker.fetch(
    new Request(`http://eventline.test/v1/events${query}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_KEYS.tenantA}`, ...headers },
    }),
  );
const asJson = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> });

describe("GET /healthz", () => {
  it("answers ok", async () => {
    expect(await asJson(await worker.fetch(new Request("http://eventline.test/healthz")))).toEqual({ status: 200, body: { status: "ok" } });
  });
});

describe("POST /v1/events", () => {
  it("accepts one event with 202 and puts it on the queue as a JSON text message, tenant fixed from the key", async () => {
    const id = uniq("one");
    const r = await asJson(await post(JSON.stringify({ id, type: "signup", payload: { plan: "pro", name: "Zoë 🎉" } })));
    expect(r).toEqual({ status: 202, body: { accepted: [{ index: 0, id }], rejected: [] } });
    const delivered = await enqueued(TEST_SOURCES.tenantA, id);
    expect(typeof delivered?.body).toBe("string");
    expect(JSON.parse(delivered!.body as string)).toMatchObject({
      v: 2,
      source: "tenant-a",
      events: [{ id, type: "signup", payload: { plan: "pro", name: "Zoë 🎉" } }],
    });
  });

  it("packs the events of one request into as few messages as the packing budget allows, in order", async () => {
    const small = Array.from({ length: 100 }, () => ({ id: uniq("pk"), type: "packed", payload: { s: "x".repeat(400) } }));
    expect((await post(JSON.stringify({ events: small }))).status).toBe(202);
    const messages = new Set(await Promise.all(small.map(async (e) => (await enqueued(TEST_SOURCES.tenantA, e.id))!.messageId)));
    expect(messages.size).toBe(1);
    const packet = JSON.parse((await enqueued(TEST_SOURCES.tenantA, small[0]!.id))!.body as string);
    expect(packet.events.map((e: { id: string }) => e.id)).toEqual(small.map((e) => e.id));
    // Events of ~50 KB: two do not fit one 60 KiB packet, so each travels alone.
    const big = Array.from({ length: 3 }, () => ({ id: uniq("big"), type: "packed", payload: { s: "y".repeat(50_000) } }));
    expect((await post(JSON.stringify({ events: big }))).status).toBe(202);
    const bigMessages = new Set(await Promise.all(big.map(async (e) => (await enqueued(TEST_SOURCES.tenantA, e.id))!.messageId)));
    expect(bigMessages.size).toBe(3);
  });

  it("accepts the valid events of a mixed batch and reports the invalid ones by index, code and field", async () => {
    const ok1 = uniq("m");
    const ok2 = uniq("m");
    const r = await asJson(
      await post(
        JSON.stringify({
          events: [
            { id: ok1, type: "a", payload: {} },
            { type: "BAD TYPE", payload: {} },
            { id: ok2, type: "b", payload: {} },
            { id: ok1, type: "a", payload: {} },
            { type: "c" },
          ],
        }),
      ),
    );
    expect(r.status).toBe(202);
    expect(r.body.accepted).toEqual([
      { index: 0, id: ok1 },
      { index: 2, id: ok2 },
    ]);
    expect(r.body.rejected.map((x: any) => [x.index, x.code, x.path])).toEqual([
      [1, "invalid_field", "type"],
      [3, "duplicate_id", "id"],
      [4, "invalid_field", "payload"],
    ]);
  });

  it("with ?atomic=true accepts nothing when any event is invalid", async () => {
    const r = await asJson(
      await post(
        JSON.stringify({
          events: [
            { type: "a", payload: {} },
            { type: "!", payload: {} },
          ],
        }),
        {},
        "?atomic=true",
      ),
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: "batch_rejected", accepted: [], rejected: [{ index: 1, code: "invalid_field", path: "type" }] });
  });

  it("answers 400 with a code when nothing is valid", async () => {
    expect((await asJson(await post('{"type":"Nope","payload":{}}'))).body).toMatchObject({
      code: "invalid_event",
      rejected: [{ path: "type" }],
    });
    expect((await asJson(await post('{"events":[{"type":"Nope"}]}'))).body).toMatchObject({ code: "no_valid_events" });
    expect(await asJson(await post("{not json"))).toMatchObject({ status: 400, body: { code: "invalid_json" } });
    expect(await asJson(await post('{"ok":1}', {}, "?atomic=maybe"))).toMatchObject({
      status: 400,
      body: { code: "invalid_request", path: "atomic" },
    });
  });

  it("answers 401 without a key or with an unknown key", async () => {
    expect(await asJson(await post("{}", { authorization: "" }))).toMatchObject({ status: 401, body: { code: "unauthorized" } });
    expect(await asJson(await post("{}", { authorization: "Bearer evl_nope" }))).toMatchObject({
      status: 401,
      body: { code: "unauthorized" },
    });
  });

  it("answers 403 when a key for source A writes source B", async () => {
    const r = await asJson(await post(JSON.stringify({ type: "t", source: TEST_SOURCES.tenantB, payload: {} })));
    expect(r).toMatchObject({ status: 403, body: { code: "source_forbidden", path: "source" } });
  });

  it("answers 413 for a body over 1 MB, and for a single event over 64 KB", async () => {
    const huge = JSON.stringify({ type: "t", payload: { s: "x".repeat(LIMITS.maxRequestBytes) } });
    expect(await asJson(await post(huge))).toMatchObject({ status: 413, body: { code: "payload_too_large" } });
    const big = JSON.stringify({ type: "t", payload: { s: "x".repeat(LIMITS.maxEventBytes) } });
    expect(await asJson(await post(big))).toMatchObject({ status: 413, body: { code: "event_too_large" } });
  });

  it("takes a body of exactly 1 MB and refuses one byte more", async () => {
    const events = Array.from({ length: 17 }, () => ({ type: "big", payload: { s: "y".repeat(60_000) } }));
    const json = JSON.stringify({ events });
    const exact = json + " ".repeat(LIMITS.maxRequestBytes - json.length); // trailing whitespace is valid JSON
    expect(exact.length).toBe(LIMITS.maxRequestBytes);
    const ok = await post(exact, { authorization: `Bearer ${TEST_KEYS.tenantB}` });
    expect(ok.status).toBe(202);
    expect(((await ok.json()) as any).accepted).toHaveLength(17);
    const over = await asJson(await post(`${exact} `, { authorization: `Bearer ${TEST_KEYS.tenantB}` }));
    expect(over).toMatchObject({ status: 413, body: { code: "payload_too_large", limit: LIMITS.maxRequestBytes } });
  });

  it("accepts 1,000 events in one request and refuses 1,001", async () => {
    const events = (n: number) => JSON.stringify({ events: Array.from({ length: n }, (_, i) => ({ type: "bulk", payload: { i } })) });
    const ok = await asJson(await post(events(1000), { authorization: `Bearer ${TEST_KEYS.tenantB}` }));
    expect(ok.status).toBe(202);
    expect(ok.body.accepted).toHaveLength(1000);
    expect(await asJson(await post(events(1001), { authorization: `Bearer ${TEST_KEYS.tenantB}` }))).toMatchObject({
      status: 413,
      body: { code: "too_many_events" },
    });
  });

  it("answers 415 for an unsupported content type", async () => {
    expect(await asJson(await post("x", { "content-type": "text/plain" }))).toMatchObject({
      status: 415,
      body: { code: "unsupported_media_type" },
    });
  });

  it("accepts NDJSON", async () => {
    const r = await asJson(
      await post('{"type":"a","payload":{}}\n{"type":"b","payload":{}}\n', { "content-type": "application/x-ndjson" }),
    );
    expect(r.body.accepted).toHaveLength(2);
  });

  it("answers 404 with a code for unknown routes", async () => {
    expect(await asJson(await worker.fetch(new Request("http://eventline.test/v2/nope")))).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
  });
});

describe("CloudEvents through the cloudevents SDK's HTTP binding", () => {
  const send = async (message: { headers: Record<string, unknown>; body: unknown }) =>
    asJson(
      await post(String(message.body), { ...(message.headers as Record<string, string>), authorization: `Bearer ${TEST_KEYS.tenantA}` }),
    );

  it("structured mode", async () => {
    const ce = new CloudEvent({
      id: uniq("ces"),
      source: "https://shop.example/orders",
      type: "com.example.order.created",
      data: { total: 42 },
      subject: "order-1",
    });
    const r = await send(HTTP.structured(ce));
    expect(r).toMatchObject({ status: 202, body: { accepted: [{ index: 0, id: ce.id }] } });
    expect(await enqueuedEvent(TEST_SOURCES.tenantA, ce.id)).toMatchObject({
      type: "com.example.order.created",
      payload: { total: 42 },
      attributes: { ceSource: "https://shop.example/orders", subject: "order-1" },
    });
  });

  it("binary mode", async () => {
    const ce = new CloudEvent({
      id: uniq("ceb"),
      source: "/billing",
      type: "invoice.paid",
      data: { amount: 10 },
      time: "2026-11-01T10:00:00Z",
    });
    const r = await send(HTTP.binary(ce));
    expect(r).toMatchObject({ status: 202, body: { accepted: [{ id: ce.id }] } });
    expect(await enqueuedEvent(TEST_SOURCES.tenantA, ce.id)).toMatchObject({
      occurredAt: "2026-11-01T10:00:00.000Z",
      payload: { amount: 10 },
    });
  });

  it("batch mode", async () => {
    const ces = [1, 2, 3].map((n) => new CloudEvent({ id: uniq(`cebatch${n}`), source: "/batch", type: "t.batch", data: { n } }));
    const body = JSON.stringify(ces.map((c) => c.toJSON()));
    const r = await asJson(await post(body, { "content-type": "application/cloudevents-batch+json" }));
    expect(r.body.accepted.map((a: any) => a.id)).toEqual(ces.map((c) => c.id));
  });
});

describe("signed sources", () => {
  const body = () => JSON.stringify({ id: uniq("sig"), type: "signed.event", payload: {} });
  const JSON_REQUEST = { method: "POST", target: "/v1/events", headers: { "content-type": "application/json" } };
  /** The signature of `b` sent as a default JSON request at time t. */
  const sign = (b: string, t: number, secret = TEST_SIGNING_SECRET) => signRequest(secret, JSON_REQUEST, b, t);
  const postSigned = (b: string, signature?: string, headers: Record<string, string> = {}, query = "") =>
    post(
      b,
      { authorization: `Bearer ${TEST_KEYS.signed}`, ...(signature ? { "x-eventline-signature": signature } : {}), ...headers },
      query,
    );
  const now = () => Math.floor(Date.now() / 1000);

  it("accepts a correctly signed request", async () => {
    const b = body();
    expect((await postSigned(b, await sign(b, now()))).status).toBe(202);
  });

  it("accepts a signed CloudEvents binary-mode request, its ce-* headers signed with it", async () => {
    const headers = {
      "content-type": "application/json",
      "ce-specversion": "1.0",
      "ce-id": uniq("ce-signed"),
      "ce-source": "/s",
      "ce-type": "signed.ce",
    };
    const b = '{"n":1}';
    const signature = await signRequest(TEST_SIGNING_SECRET, { ...JSON_REQUEST, headers }, b, now());
    expect((await postSigned(b, signature, headers)).status).toBe(202);
  });

  it("refuses a captured request re-sent with other content-type or ce-* headers, or another query (B2)", async () => {
    const b = '{"type":"signed.captured","payload":{"n":1}}';
    const signature = await sign(b, now());
    const swapped: [Record<string, string>, string][] = [
      [
        { "content-type": "application/json", "ce-specversion": "1.0", "ce-id": uniq("forged"), "ce-source": "/x", "ce-type": "forged" },
        "",
      ],
      [{ "content-type": "application/cloudevents+json" }, ""],
      [{ "content-type": "application/json", "ce-time": "2001-01-01T00:00:00Z" }, ""],
      [{}, "?atomic=true"],
    ];
    for (const [headers, query] of swapped) {
      const r = await asJson(await postSigned(b, signature, headers, query));
      expect(r, JSON.stringify(headers) + query).toMatchObject({ status: 401, body: { code: "signature_invalid" } });
    }
  });

  it("refuses a body-only v1 signature and a timestamp far ahead of the clock", async () => {
    const b = body();
    const v2 = (await sign(b, now())).split("v2=")[1];
    expect(await asJson(await postSigned(b, `t=${now()},v1=${v2}`))).toMatchObject({ status: 401, body: { code: "signature_invalid" } });
    expect(await asJson(await postSigned(b, await sign(b, now() + 120)))).toMatchObject({
      status: 401,
      body: { code: "signature_invalid" },
    });
  });

  it("refuses a timestamp that is not a plain integer", async () => {
    const b = body();
    const v2 = (await sign(b, now())).split("v2=")[1];
    for (const t of [`${now()}.0`, `${now()}e0`, `0x${now().toString(16)}`]) {
      expect((await asJson(await postSigned(b, `t=${t},v2=${v2}`))).body.code, t).toBe("signature_invalid");
    }
  });

  it("makes a replayed request harmless: events without ids get ids derived from the signature", async () => {
    const b = JSON.stringify({
      events: [
        { type: "signed.replay", payload: { n: 1 } },
        { type: "signed.replay", payload: { n: 2 } },
      ],
    });
    const signature = await sign(b, now());
    const first = await asJson(await postSigned(b, signature));
    const replay = await asJson(await postSigned(b, signature));
    expect(first.status).toBe(202);
    expect(replay.body.accepted).toEqual(first.body.accepted);
    // Same ids both times: the consumer's ON CONFLICT makes the replay's copies duplicates (e2e tests check the rows).
    expect(first.body.accepted.map((a: { id: string }) => a.id)).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36}$/),
      expect.stringMatching(/^[0-9a-f-]{36}$/),
    ]);
    for (const { id } of first.body.accepted) expect(await enqueuedEvent(TEST_SOURCES.signed, id)).toMatchObject({ type: "signed.replay" });
  });

  it("refuses missing, wrong and stale signatures", async () => {
    const b = body();
    expect((await asJson(await postSigned(b))).body.code).toBe("signature_required");
    expect((await asJson(await postSigned(b, await sign(b, now(), "wrong-secret-0123456789")))).body.code).toBe("signature_invalid");
    expect((await asJson(await postSigned(b, await sign(`${b} `, now())))).body.code).toBe("signature_invalid");
    const stale = await asJson(await postSigned(b, await sign(b, now() - 301)));
    expect(stale).toMatchObject({ status: 401, body: { code: "signature_expired" } });
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After once a key exceeds its limit", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    // Up to 2 × the limit: the limiter counts in fixed windows, and one may turn during the loop.
    for (let i = 0; i <= 2 * TEST_RATE_LIMIT && statuses.at(-1) !== 429; i++) {
      const res = await post('{"type":"Nope"}', { authorization: `Bearer ${TEST_KEYS.burst}` });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
      await res.body?.cancel();
    }
    expect(statuses.length).toBeGreaterThan(TEST_RATE_LIMIT);
    expect(statuses.slice(0, -1).every((s) => s === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it("throttles an address past TEST_AUTH_FAILURE_LIMIT wrong ingest keys a minute, and never the holder of a valid key", async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const from = (key: string, ip = address) =>
      post(JSON.stringify({ type: "t", payload: {} }), { authorization: `Bearer ${key}`, "cf-connecting-ip": ip });
    const statuses: number[] = [];
    for (let i = 0; i <= 2 * TEST_AUTH_FAILURE_LIMIT && statuses.at(-1) !== 429; i++) {
      const res = await from(`evl_wrong_${i}`);
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      await res.body?.cancel();
    }
    expect(statuses.length).toBeGreaterThan(TEST_AUTH_FAILURE_LIMIT);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
    expect(statuses.at(-1)).toBe(429);
    // The same address with a valid key is never counted nor refused; another address is not throttled.
    expect((await from(TEST_KEYS.tenantA)).status).toBe(202);
    expect((await from("evl_wrong", "203.0.113.77")).status).toBe(401);
  });
});

describe("hostile but plausible input: a 4xx with a code and a path, never a 5xx, and accepted events intact", () => {
  it('refuses the ids "." and "..", which no lookup path could name', async () => {
    for (const id of [".", ".."]) {
      const r = await asJson(await post(JSON.stringify({ id, type: "t", payload: {} })));
      expect(r, id).toMatchObject({ status: 400, body: { rejected: [{ code: "invalid_field", path: "id" }] } });
    }
  });

  const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

  it("refuses deep nesting at any depth with 400, and keeps the other events of a batch", async () => {
    for (const n of [65, 4_000, 10_000, 200_000]) {
      const r = await asJson(await post(`{"type":"x","payload":{"a":${deep(n)}}}`));
      expect(r, `depth ${n}`).toMatchObject({ status: 400, body: { code: "invalid_event", rejected: [{ code: "invalid_field" }] } });
    }
    const ok = uniq("beside-deep");
    const r = await asJson(await post(`{"events":[{"type":"x","payload":{"a":${deep(10_000)}}},{"id":"${ok}","type":"x","payload":{}}]}`));
    expect(r).toMatchObject({ status: 202, body: { accepted: [{ index: 1, id: ok }], rejected: [{ index: 0, code: "invalid_field" }] } });
  });

  it("refuses NUL and unpaired surrogates in CloudEvents attributes and headers, which Postgres cannot store", async () => {
    const ce = { specversion: "1.0", id: uniq("ce"), source: "/s", type: "t" };
    const structured = (extra: object) => post(JSON.stringify({ ...ce, ...extra }), { "content-type": "application/cloudevents+json" });
    expect(await asJson(await structured({ subject: "a\u0000b" }))).toMatchObject({
      status: 400,
      body: { rejected: [{ path: "subject" }] },
    });
    expect(await asJson(await structured({ ext: "\ud800" }))).toMatchObject({ status: 400, body: { rejected: [{ path: "ext" }] } });
    const binary = await post("{}", { "ce-specversion": "1.0", "ce-id": uniq("b"), "ce-source": "%00", "ce-type": "t" });
    expect(await asJson(binary)).toMatchObject({ status: 400, body: { rejected: [{ code: "invalid_cloudevent", path: "source" }] } });
  });

  it("refuses dates timestamptz cannot store, and numbers or keys JSON.parse would change", async () => {
    for (const occurredAt of ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00"]) {
      expect(await asJson(await post(JSON.stringify({ type: "t", occurredAt, payload: {} })))).toMatchObject({
        status: 400,
        body: { rejected: [{ path: "occurredAt" }] },
      });
    }
    for (const payload of ['{"n":1e400}', '{"n":9007199254740993}', '{"k":1,"k":2}']) {
      expect(await asJson(await post(`{"type":"t","payload":${payload}}`)), payload).toMatchObject({
        status: 400,
        body: { code: "invalid_event" },
      });
    }
  });

  it("takes a CloudEvent with an attribute named error like any other attribute, of the types CloudEvents allows", async () => {
    const ce = (error: unknown) => ({ specversion: "1.0", id: uniq("err"), source: "/s", type: "t", error });
    expect((await post(JSON.stringify(ce(null)), { "content-type": "application/cloudevents+json" })).status).toBe(202);
    const batch = await asJson(
      await post(JSON.stringify([ce(null), ce("boom"), ce({})]), { "content-type": "application/cloudevents-batch+json" }),
    );
    expect(batch).toMatchObject({ status: 202, body: { rejected: [{ index: 2, code: "invalid_cloudevent", path: "error" }] } });
    expect(batch.body.accepted).toHaveLength(2);
    // One event alone: 400, naming the attribute.
    for (const value of [{ a: 1 }, [1, 2], 1.5]) {
      const one = await asJson(await post(JSON.stringify(ce(value)), { "content-type": "application/cloudevents+json" }));
      expect(one, JSON.stringify(value)).toMatchObject({
        status: 400,
        body: { rejected: [{ code: "invalid_cloudevent", path: "error" }] },
      });
    }
  });

  it("keeps a __proto__ key of the payload in the message", async () => {
    const id = uniq("proto");
    expect((await post(`{"id":"${id}","type":"t","payload":{"__proto__":{"admin":true},"a":1}}`)).status).toBe(202);
    expect((await enqueued(TEST_SOURCES.tenantA, id))!.body).toContain('"payload":{"__proto__":{"admin":true},"a":1}');
  });

  it("refuses a body that is not UTF-8 instead of repairing it, and reads one that starts with a BOM", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"type":"t","payload":{"s":"'), 0xff, ...new TextEncoder().encode('"}}')]);
    expect(await asJson(await post(bytes as unknown as string))).toMatchObject({ status: 400, body: { code: "invalid_body" } });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"type":"t","payload":{}}')]);
    expect((await post(bom as unknown as string)).status).toBe(202);
  });

  it("refuses an atomic batch larger than one sendBatch with 413, accepting nothing", async () => {
    // 20 KB events: 12 fit one sendBatch (packets of 3, 256 KB to a sendBatch), 16 do not.
    const events = Array.from({ length: 16 }, () => ({ type: "atomic", payload: { s: "x".repeat(20_000) } }));
    expect(await asJson(await post(JSON.stringify({ events }), {}, "?atomic=true"))).toMatchObject({
      status: 413,
      body: { code: "atomic_batch_too_large" },
    });
    expect((await post(JSON.stringify({ events: events.slice(4) }), {}, "?atomic=true")).status).toBe(202);
  });
});
