/**
 * The events queue's backlog, where the runtime tells it (Queue.metrics(),
 * newer than some runtimes): undefined when it cannot, so the metric is left
 * out rather than reported as zero. docs/operations.md gives the Cloudflare
 * GraphQL query that answers the same question everywhere.
 */
import { errorFields, log } from "../../shared/lib/log.ts";

export async function queueBacklog(queue: Queue<unknown>): Promise<{ messages: number; bytes: number } | undefined> {
  const metrics = (queue as { metrics?: () => Promise<{ backlogCount: number; backlogBytes: number }> }).metrics;
  if (typeof metrics !== "function") return undefined;
  try {
    const m = await metrics.call(queue);
    return { messages: m.backlogCount, bytes: m.backlogBytes };
  } catch (err) {
    log("debug", "metrics.queue_backlog_unavailable", errorFields(err));
    return undefined;
  }
}
