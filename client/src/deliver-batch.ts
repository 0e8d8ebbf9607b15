/**
 * Delivers one batch until every event in it has an outcome: sends it, reads
 * the verdict (classify-response.ts), resends what is retryable with backoff,
 * splits on 413. Never throws; every failure becomes an outcome.
 */

import { SIGNATURE_HEADER, signatureHeader } from "@eventline/protocol";
import { classifyResponse, type Verdict } from "./classify-response.ts";
import { FAILURE_CODES, type Outcome } from "./outcome.ts";
import { type BackoffOptions, retryDelay } from "./retry-delay.ts";

/** An event waiting for its outcome. */
export interface PendingEvent {
  id: string;
  json: string;
  bytes: number;
  settle(outcome: Outcome): void;
}

export interface RetryInfo {
  /** 1 for the first retry of these events. */
  attempt: number;
  delayMs: number;
  /** Why: the server's code, or the client's (`network_error`, `timeout`). */
  code: string;
  events: number;
}

export interface DeliveryContext {
  endpoint: string;
  apiKey: string;
  signingKey: Promise<CryptoKey> | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  maxRetries: number;
  backoff: BackoffOptions;
  onRetry: ((info: RetryInfo) => void) | undefined;
  sleep(ms: number): Promise<void>;
}

const encoder = new TextEncoder();

export async function deliverBatch(events: PendingEvent[], ctx: DeliveryContext): Promise<void> {
  let batch = events;
  for (let retries = 0; batch.length > 0; ) {
    const verdict = await post(batch, ctx);
    if (verdict.kind === "fail") return settleAll(batch, { status: "failed", code: verdict.code, message: verdict.message });
    if (verdict.kind === "split") {
      if (batch.length === 1) return settleAll(batch, { status: "failed", code: verdict.code, message: verdict.message });
      const half = Math.ceil(batch.length / 2);
      await deliverBatch(batch.slice(0, half), ctx);
      return deliverBatch(batch.slice(half), ctx);
    }
    if (verdict.kind === "exclude") {
      const { index, code, path, message } = verdict;
      const excluded = batch[index];
      if (!excluded) return settleAll(batch, { status: "failed", code, message });
      excluded.settle({ status: "rejected", id: excluded.id, code, path, message });
      batch = batch.filter((e) => e !== excluded);
      continue;
    }
    const again = verdict.kind === "retry" ? batch : settleOutcomes(batch, verdict);
    if (again.length === 0) return;
    const reason = verdict.kind === "retry" ? verdict : { code: "queue_unavailable", message: "the queue did not take these events" };
    retries++;
    if (retries > ctx.maxRetries) {
      return settleAll(again, {
        status: "failed",
        code: reason.code,
        message: `gave up after ${ctx.maxRetries} retries: ${reason.message}`,
      });
    }
    const delayMs = retryDelay(retries, verdict.kind === "retry" ? verdict.retryAfterMs : undefined, ctx.backoff);
    ctx.onRetry?.({ attempt: retries, delayMs, code: reason.code, events: again.length });
    await ctx.sleep(delayMs);
    batch = again;
  }
}

/** Settles what the server decided and returns the events to resend (`queue_unavailable`, or any it did not mention). */
function settleOutcomes(batch: PendingEvent[], verdict: Extract<Verdict, { kind: "outcomes" }>): PendingEvent[] {
  const decided = new Set<number>();
  for (const { index, id } of verdict.accepted) {
    const event = batch[index];
    if (!event || decided.has(index)) continue;
    decided.add(index);
    event.settle({ status: "accepted", id });
  }
  for (const { index, code, path, message } of verdict.rejected) {
    const event = batch[index];
    if (!event || decided.has(index) || code === "queue_unavailable") continue;
    decided.add(index);
    event.settle({ status: "rejected", id: event.id, code, path, message });
  }
  return batch.filter((_, i) => !decided.has(i));
}

function settleAll(batch: PendingEvent[], outcome: { status: "failed"; code: string; message: string }): void {
  for (const event of batch) event.settle({ ...outcome, id: event.id });
}

async function post(batch: PendingEvent[], ctx: DeliveryContext): Promise<Verdict> {
  const text = `{"events":[${batch.map((e) => e.json).join(",")}]}`;
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.apiKey}`, "content-type": "application/json" };
  let body: BodyInit = text;
  try {
    if (ctx.signingKey) {
      // Signed: the bytes that are signed are the bytes sent. (Unsigned, fetch encodes the text itself, without a copy.)
      const bytes = encoder.encode(text);
      const { pathname, search } = new URL(ctx.endpoint);
      const req = { method: "POST", target: `${pathname}${search}`, headers };
      headers[SIGNATURE_HEADER] = await signatureHeader(await ctx.signingKey, req, bytes, Math.floor(Date.now() / 1000));
      body = bytes;
    }
    const res = await ctx.fetch(ctx.endpoint, { method: "POST", headers, body, signal: AbortSignal.timeout(ctx.timeoutMs) });
    return classifyResponse(res.status, await res.text(), res.headers.get("retry-after"));
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return timedOut
      ? { kind: "retry", code: FAILURE_CODES.timeout, message: `no response within ${ctx.timeoutMs} ms` }
      : { kind: "retry", code: FAILURE_CODES.network, message: err instanceof Error ? err.message : String(err) };
  }
}
