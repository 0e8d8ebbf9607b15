// The client against the real local stack (both Workers, the local queue, the
// pool, Postgres), directly and through the fault proxy. The same file runs in
// Node (project client-node) and in workerd (project client-workerd), so it
// uses only what both runtimes have: fetch, Web Crypto, timers.
import { beforeEach, describe, expect, inject, it } from "vitest";
import { eventually } from "../../test/support/eventually.ts";
import { Eventline, type EventlineOptions, type Outcome, type RetryInfo } from "../src/index.ts";
import type { FaultPlan, FaultStats } from "./support/fault-proxy.ts";

const stack = inject("clientStack");
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Retries fast: these tests are about outcomes, not waiting. */
const fast = { minRetryDelayMs: 5, maxRetryDelayMs: 50, maxRetries: 40, flushIntervalMs: 20 } satisfies Partial<EventlineOptions>;

function events(name: string, n: number, payloadBytes = 100) {
  return Array.from({ length: n }, (_, i) => ({ type: "client.test", payload: { run, name, i, pad: "x".repeat(payloadBytes) } }));
}

async function rowsFor(outcomes: Outcome[]): Promise<number> {
  const res = await fetch(`${stack.probeUrl}/rows`, { method: "POST", body: JSON.stringify({ ids: outcomes.map((o) => o.id) }) });
  return ((await res.json()) as { rows: number }).rows;
}

/** Every event a row, polled: the consumer writes asynchronously. */
async function expectStored(outcomes: Outcome[]): Promise<void> {
  expect(
    await eventually(
      () => rowsFor(outcomes),
      (n) => n === outcomes.length,
      120_000,
      250,
    ),
  ).toBe(outcomes.length);
}

async function plan(p: FaultPlan): Promise<void> {
  await fetch(`${stack.proxyUrl}/__proxy/plan`, { method: "POST", body: JSON.stringify(p) });
}

async function proxyStats(): Promise<FaultStats> {
  return (await (await fetch(`${stack.proxyUrl}/__proxy/stats`)).json()) as FaultStats;
}

const accepted = (outcomes: Outcome[]) => outcomes.filter((o) => o.status === "accepted").length;

describe("Eventline client against the local stack", () => {
  beforeEach(() => plan({ seed: 1 }));

  it("delivers thousands of events; each becomes exactly one row", async () => {
    const client = new Eventline({ url: stack.ingestUrl, apiKey: stack.apiKey, flushAt: 250, ...fast });
    const outcomes = await client.send(events("bulk", 3000));
    await client.close();
    expect(accepted(outcomes)).toBe(3000);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(3000);
    await expectStored(outcomes);
  });

  it("through dropped connections, 429s, 503s and 413s, every event is stored once", async () => {
    await plan({ seed: 7, resetBeforeForward: 0.1, resetAfterForward: 0.15, status429: 0.1, status503: 0.1, maxBodyBytes: 40_000 });
    const retries: RetryInfo[] = [];
    const client = new Eventline({ url: stack.proxyUrl, apiKey: stack.apiKey, flushAt: 200, onRetry: (r) => retries.push(r), ...fast });
    const outcomes = await client.send(events("faults", 2000, 200));
    await client.close();
    expect(accepted(outcomes)).toBe(2000);
    const stats = await proxyStats();
    // The schedule did inject each fault, and the client split what was too large.
    for (const fault of ["resetBeforeForward", "resetAfterForward", "status429", "status503", "status413"] as const) {
      expect(stats[fault], fault).toBeGreaterThan(0);
    }
    expect(new Set(retries.map((r) => r.code))).toEqual(new Set(["network_error", "rate_limited", "queue_unavailable"]));
    await expectStored(outcomes);
  });

  it("waits at least what Retry-After says", async () => {
    await plan({ seed: 1, script: ["status429", "status503"], retryAfterSeconds: 1 });
    const retries: RetryInfo[] = [];
    const client = new Eventline({
      url: stack.proxyUrl,
      apiKey: stack.apiKey,
      ...fast,
      maxRetryDelayMs: 5000,
      onRetry: (r) => retries.push(r),
    });
    const outcome = await client.send({ type: "client.test", payload: { run, name: "retry-after" } });
    await client.close();
    expect(outcome.status).toBe("accepted");
    expect(retries.map((r) => r.code)).toEqual(["rate_limited", "queue_unavailable"]);
    for (const r of retries) expect(r.delayMs).toBeGreaterThanOrEqual(1000);
    await expectStored([outcome]);
  });

  it("loses nothing at shutdown: close() settles every event in flight, then refuses new ones", async () => {
    await plan({ seed: 3, status503: 0.3, resetAfterForward: 0.1 });
    const client = new Eventline({ url: stack.proxyUrl, apiKey: stack.apiKey, flushAt: 50, maxConcurrentRequests: 2, ...fast });
    const settled: Outcome[] = [];
    for (const e of events("shutdown", 1000)) void client.send(e).then((o) => settled.push(o));
    expect(client.pending).toBe(1000);
    await client.close();
    expect(settled.length).toBe(1000);
    expect(accepted(settled)).toBe(1000);
    expect(client.pending).toBe(0);
    const late = await client.send({ type: "client.test", payload: { run } });
    expect(late).toMatchObject({ status: "failed", code: "client_closed" });
    await expectStored(settled);
  });

  it("reports per-event rejections without resending them", async () => {
    const client = new Eventline({ url: stack.proxyUrl, apiKey: stack.apiKey, ...fast });
    const [good, bad, tooBig] = await client.send([
      { type: "client.test", payload: { run, name: "good" } },
      { type: "not a type!", payload: {} },
      { type: "client.test", payload: { pad: "x".repeat(70_000) } },
    ]);
    await client.close();
    expect(good?.status).toBe("accepted");
    expect(bad).toMatchObject({ status: "rejected", code: "invalid_field", path: "type" });
    expect(tooBig).toMatchObject({ status: "rejected", code: "event_too_large", path: "" });
    // The oversized event never left the client; the rest went in one request.
    expect((await proxyStats()).requests).toBe(1);
    await expectStored([good!]);
  });

  it("does not retry a refused key", async () => {
    const errors: Outcome[] = [];
    const client = new Eventline({ url: stack.proxyUrl, apiKey: "evl_not_a_key", ...fast, onError: (o) => errors.push(o) });
    const outcome = await client.send({ type: "client.test", payload: {} });
    await client.close();
    expect(outcome).toMatchObject({ status: "failed", code: "unauthorized" });
    expect(errors).toEqual([outcome]);
    expect((await proxyStats()).requests).toBe(1);
  });

  it("signs requests the server verifies", async () => {
    const { apiKey, secret } = stack.signed;
    const send = async (signingSecret?: string) => {
      const client = new Eventline({ url: stack.ingestUrl, apiKey, signingSecret, ...fast });
      const outcome = await client.send({ type: "client.signed", payload: { run } });
      await client.close();
      return outcome;
    };
    const signed = await send(secret);
    expect(signed.status).toBe("accepted");
    expect(await send(`${secret}-wrong`)).toMatchObject({ status: "failed", code: "signature_invalid" });
    expect(await send()).toMatchObject({ status: "failed", code: "signature_required" });
    await expectStored([signed]);
  });
});
