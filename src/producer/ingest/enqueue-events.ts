/**
 * Puts a request's accepted events on the queue: packed into as few messages
 * as the packing budget allows (queue/pack-events.ts), sent in sendBatch
 * chunks (queue/send-packets.ts). If the first chunk fails, nothing was
 * enqueued and the request fails with 429/503 + Retry-After. If a later chunk
 * fails, the events already sent stay accepted and the rest are reported as
 * rejected with code queue_unavailable, so the client resends exactly those.
 *
 * An atomic request must fit one sendBatch, the unit the queue stores whole or
 * not at all; a larger one is refused (413) before anything is sent.
 */
import { LIMITS } from "../../shared/config/limits.ts";
import { ApiError } from "../../shared/errors/api-error.ts";
import { packEvents } from "../../shared/queue/pack-events.ts";
import { sendBatchCount, sendPackets } from "../../shared/queue/send-packets.ts";
import type { Rejection } from "./rejection.ts";
import type { AcceptedEvent } from "./validate-events.ts";

export interface EnqueueResult {
  accepted: { index: number; id: string }[];
  rejected: Rejection[];
  /** Queue messages sent. */
  messages: number;
}

export async function enqueueEvents(
  queue: Queue<string>,
  request: { source: string; receivedAt: string; atomic: boolean },
  events: readonly AcceptedEvent[],
): Promise<EnqueueResult> {
  const packets = packEvents(request.source, request.receivedAt, events);
  if (request.atomic && sendBatchCount(packets) > 1) {
    throw new ApiError(
      413,
      "atomic_batch_too_large",
      `?atomic=true takes at most one sendBatch: ${LIMITS.maxBytesPerSend} bytes of packed events`,
      {
        details: { limit: { bytes: LIMITS.maxBytesPerSend } },
      },
    );
  }
  const { sent, unsent, error } = await sendPackets(queue, packets);
  if (sent.length === 0 && unsent.length > 0) throw pushback(error);
  return {
    accepted: sent.flatMap((p) => p.items.map((e) => ({ index: e.index, id: e.message.id }))),
    rejected: unsent.flatMap((p) =>
      p.items.map((e) => ({
        index: e.index,
        code: "queue_unavailable" as const,
        path: "",
        message: "the queue did not take this event; resend it",
      })),
    ),
    messages: sent.length,
  };
}

/**
 * workerd raises `Queue send[Batch] failed: <status text>` with no code
 * (developers.cloudflare.com/queues/reference/error-codes). Two status texts
 * mean "this queue is taking writes, just not this fast" — the per-queue
 * message rate (~5,000 msg/s: "Too Many Requests") and error 10250
 * ("Queue is overloaded. Please back off.") — and get a 429 with a short
 * Retry-After. Anything else (storage limit, paused queue, free-tier quota,
 * an internal error) is a 503 with a longer one: the client cannot speed it up.
 */
const QUEUE_BACKPRESSURE = /too many requests|queue is overloaded/i;

function pushback(err: unknown): ApiError {
  const limited = err instanceof Error && QUEUE_BACKPRESSURE.test(err.message);
  return limited
    ? new ApiError(429, "rate_limited", "the queue is rate limiting writes; retry later", { headers: { "retry-after": "1" }, cause: err })
    : new ApiError(503, "queue_unavailable", "the queue is unavailable; retry later", { headers: { "retry-after": "5" }, cause: err });
}
