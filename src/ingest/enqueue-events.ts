/**
 * Sends accepted events to the queue in sendBatch chunks that respect the
 * Queues limits (100 messages / 256 KB). If the first chunk fails, nothing was
 * enqueued and the request fails with 429/503 + Retry-After. If a later chunk
 * fails, the events already sent stay accepted and the rest are reported as
 * rejected with code queue_unavailable, so the client resends exactly those.
 *
 * An atomic request must fit one sendBatch, the unit the queue stores whole or
 * not at all; a larger one is refused (413) before anything is sent.
 *
 * Messages are JSON text (contentType "text"): the consumer parses each body
 * itself, inside its own per-message error handling.
 */

import { LIMITS } from "../config/limits.ts";
import { ApiError } from "../errors/api-error.ts";
import { errorFields, log } from "../lib/log.ts";
import { chunkBySizeAndCount } from "../queue/chunk-messages.ts";
import type { Rejection } from "./rejection.ts";
import type { AcceptedEvent } from "./validate-events.ts";

export interface EnqueueResult {
  accepted: { index: number; id: string }[];
  rejected: Rejection[];
}

export async function enqueueEvents(
  queue: Queue<string>,
  events: readonly AcceptedEvent[],
  opts: { atomic: boolean },
): Promise<EnqueueResult> {
  const chunks = chunkBySizeAndCount(events, (e) => e.bytes);
  if (opts.atomic && chunks.length > 1) {
    throw new ApiError(
      413,
      "atomic_batch_too_large",
      `?atomic=true takes at most one sendBatch: ${LIMITS.maxMessagesPerSend} events and ${LIMITS.maxBytesPerSend} bytes of messages`,
      {
        details: { limit: { events: LIMITS.maxMessagesPerSend, bytes: LIMITS.maxBytesPerSend } },
      },
    );
  }
  const result: EnqueueResult = { accepted: [], rejected: [] };
  for (const [i, chunk] of chunks.entries()) {
    try {
      await queue.sendBatch(chunk.map((e) => ({ body: e.text, contentType: "text" as const })));
      for (const e of chunk) result.accepted.push({ index: e.index, id: e.message.id });
    } catch (err) {
      log("error", "ingest.enqueue_failed", { chunk: i, of: chunks.length, ...errorFields(err) });
      if (i === 0) throw pushback(err);
      for (const e of chunks.slice(i).flat()) {
        result.rejected.push({
          index: e.index,
          code: "queue_unavailable",
          path: "",
          message: "the queue did not take this event; resend it",
        });
      }
      break;
    }
  }
  return result;
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
