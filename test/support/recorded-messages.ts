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

/** Event `source/id` as its message carried it: its own fields, with the packet's source and receipt time. */
export async function enqueuedEvent(source: string, id: string): Promise<Record<string, unknown> | undefined> {
  const r = await enqueued(source, id);
  if (!r || typeof r.body !== "string") return undefined;
  const packet = JSON.parse(r.body) as { v: number; source: string; receivedAt: string; events: { id: string }[] };
  const event = packet.events.find((e) => e.id === id);
  return event && { source: packet.source, receivedAt: packet.receivedAt, ...event };
}
