/**
 * Sends accepted events to the queue in sendBatch chunks that respect the
 * Queues limits (100 messages / 256 KB). If the first chunk fails, nothing was
 * enqueued and the request fails with 429/503 + Retry-After. If a later chunk
 * fails, the events already sent stay accepted and the rest are reported as
 * rejected with code queue_unavailable, so the client resends exactly those.
 */
import { ApiError } from "../errors/api-error.ts";
import type { EventMessage } from "../events/event-schema.ts";
import { errorFields, log } from "../lib/log.ts";
import { chunkBySizeAndCount } from "./chunk-messages.ts";
import type { Rejection } from "./rejection.ts";
import type { AcceptedEvent } from "./validate-events.ts";

export interface EnqueueResult {
  accepted: { index: number; id: string }[];
  rejected: Rejection[];
}

export async function enqueueEvents(queue: Queue<EventMessage>, events: readonly AcceptedEvent[]): Promise<EnqueueResult> {
  const chunks = chunkBySizeAndCount(events, (e) => e.bytes);
  const result: EnqueueResult = { accepted: [], rejected: [] };
  for (const [i, chunk] of chunks.entries()) {
    try {
      await queue.sendBatch(chunk.map((e) => ({ body: e.message, contentType: "json" as const })));
      for (const e of chunk) result.accepted.push({ index: e.index, id: e.message.id });
    } catch (err) {
      log("error", "ingest.enqueue_failed", { chunk: i, of: chunks.length, ...errorFields(err) });
      if (i === 0) throw pushback(err);
      for (const e of chunks.slice(i).flat()) {
        result.rejected.push({ index: e.index, code: "queue_unavailable", path: "", message: "the queue did not take this event; resend it" });
      }
      break;
    }
  }
  return result;
}

/**
 * The Queue binding raises plain Errors without a code; its rate limit
 * (~5,000 msg/s per queue) is the one case worth a 429, told apart by message.
 */
function pushback(err: unknown): ApiError {
  const limited = err instanceof Error && /too many|rate limit|429/i.test(err.message);
  return limited
    ? new ApiError(429, "rate_limited", "the queue is rate limiting writes; retry later", { headers: { "retry-after": "1" }, cause: err })
    : new ApiError(503, "queue_unavailable", "the queue is unavailable; retry later", { headers: { "retry-after": "5" }, cause: err });
}
