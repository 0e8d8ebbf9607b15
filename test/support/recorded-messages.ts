// What the producer put on the real local queue, as the queue delivered it
// (test/support/queue-recorder.worker.js records it for the producer project).
import { env } from "cloudflare:workers";
import { eventually } from "./eventually.ts";

export interface Recorded {
  messageId: string;
  /** The message body as delivered. */
  body: unknown;
}

/** The message that carried event `source/id`, once the queue has delivered it (undefined if it never does). */
export async function enqueued(source: string, id: string, timeoutMs = 10_000): Promise<Recorded | undefined> {
  const raw = await eventually(
    () => env.RECORDED.get(`${source}/${id}`),
    (v) => v !== null,
    timeoutMs,
  );
  return raw === null ? undefined : (JSON.parse(raw) as Recorded);
}

/** The event message (JSON text) that carried `source/id`, parsed. */
export async function enqueuedEvent(source: string, id: string): Promise<Record<string, unknown> | undefined> {
  const r = await enqueued(source, id);
  return r && typeof r.body === "string" ? (JSON.parse(r.body) as Record<string, unknown>) : undefined;
}
