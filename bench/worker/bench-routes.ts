/**
 * Baselines for bench/ingest, served by the benchmark's own build of the
 * Worker (bench/worker/bench-entry.ts), never by src/: the enqueue-only route
 * skips authentication and must not exist in anything deployable.
 *
 * - `/__bench/accepted`: the cheapest possible 202.
 * - `/__bench/enqueued`: only the binding calls an ingest request makes (one
 *   rate-limiter call, one sendBatch of the body's events as messages), with
 *   no authentication, validation or response body. Under wrangler dev both
 *   bindings are local simulators with a cost of their own; this route is the
 *   ceiling any ingest implementation could reach there.
 */
import { Hono } from "hono";
import { LIMITS } from "../../src/config/limits.ts";
import type { ProducerEnv } from "../../src/config/producer-env.ts";
import type { EventMessage } from "../../src/events/event-message.ts";

export const benchRoutes = new Hono<{ Bindings: ProducerEnv }>();

benchRoutes.post("/__bench/accepted", (c) => c.body(null, 202));

benchRoutes.post("/__bench/enqueued", async (c) => {
  let body: { events?: Record<string, unknown>[] } & Record<string, unknown>;
  try {
    body = await c.req.json();
  } catch {
    return c.body(null, 400);
  }
  const events = body.events ?? [body];
  if (events.length > LIMITS.maxMessagesPerSend) return c.body(null, 413);
  await c.env.INGEST_RATE_LIMITER?.limit({ key: (c.req.header("authorization") ?? "").slice(-32) });
  const now = new Date().toISOString();
  const messages = events.map((e) => {
    const message: EventMessage = {
      v: 1,
      source: "bench-enqueued",
      id: String(e.id),
      type: String(e.type),
      occurredAt: now,
      receivedAt: now,
      payload: e.payload as Record<string, unknown>,
    };
    return { body: JSON.stringify(message), contentType: "text" as const };
  });
  await c.env.EVENTS_QUEUE.sendBatch(messages);
  return c.body(null, 202);
});
