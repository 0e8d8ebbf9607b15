import { type EventMessage, packedFields } from "../../src/shared/events/event-message.ts";
import { packEvents } from "../../src/shared/queue/pack-events.ts";

/** Realistic events: ~250-byte JSON payloads, ids unique per run. */
export function makeEvents(n: number, runId: string, source = "bench"): EventMessage[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const t = new Date(now - (i % 86_400) * 1000).toISOString();
    return {
      v: 1 as const,
      source,
      id: `${runId}-${i}`,
      type: ["signup", "page.view", "order.created", "invoice.paid"][i % 4]!,
      occurredAt: t,
      receivedAt: t,
      payload: {
        user: `u-${i % 5000}`,
        plan: i % 3 ? "pro" : "free",
        path: `/products/${i % 997}`,
        amount: (i % 10_000) / 100,
        tags: ["a", "b", "c"],
        note: "x".repeat(80),
      },
    };
  });
}

/** The q-quantile of a sample (nearest rank, from below): the value at ⌊q·n⌋ of the sorted copy. */
export const quantile = (xs: readonly number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/** The texts of the packets the producer would send for `events` (one source, the first event's receipt): queue message bodies. */
export function packedTexts(events: readonly EventMessage[]): string[] {
  const texts = events.map((e) => JSON.stringify(packedFields(e)));
  const packets = packEvents(
    "bench",
    events[0]!.receivedAt,
    texts.map((text) => ({ text, bytes: text.length })),
  );
  return packets.map((p) => p.text);
}
