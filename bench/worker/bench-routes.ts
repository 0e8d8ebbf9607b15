/**
 * Baselines for bench/ingest, served by the benchmark's own build of the
 * producer (bench/worker/bench-entry.ts), never by src/: the enqueue-only
 * route skips authentication and must not exist in anything deployable.
 *
 * - `/__bench/accepted`: the cheapest possible 202.
 * - `/__bench/enqueued`: only the binding calls an ingest request makes (one
 *   rate-limiter call, the sendBatch calls of the body's events packed as
 *   ingest packs them), with no authentication, validation or response body.
 *   Under the local runtime both bindings are simulators with a cost of their
 *   own; this route is the ceiling any ingest implementation could reach there.
 */
import { Hono } from "hono";
import type { ProducerEnv } from "../../src/producer/producer-env.ts";
import { packEvents } from "../../src/shared/queue/pack-events.ts";
import { sendPackets } from "../../src/shared/queue/send-packets.ts";

export const benchRoutes = new Hono<{ Bindings: ProducerEnv }>();

benchRoutes.post("/__bench/accepted", (c) => c.body(null, 202));

benchRoutes.post("/__bench/enqueued", async (c) => {
  let body: { events?: Record<string, unknown>[] } & Record<string, unknown>;
  try {
    body = await c.req.json();
  } catch {
    return c.body(null, 400);
  }
  await c.env.INGEST_RATE_LIMITER?.limit({ key: (c.req.header("authorization") ?? "").slice(-32) });
  const now = new Date().toISOString();
  const events = (body.events ?? [body]).map((e) => {
    const text = JSON.stringify({ id: String(e.id), type: String(e.type), occurredAt: now, payload: e.payload });
    return { text, bytes: text.length };
  });
  const { unsent } = await sendPackets(c.env.EVENTS_QUEUE, packEvents("bench-enqueued", now, events));
  return c.body(null, unsent.length > 0 ? 503 : 202);
});
