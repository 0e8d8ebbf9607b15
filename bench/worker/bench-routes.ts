/**
 * Baselines for bench/ingest, in the same Worker and process as the ingest
 * route, so the benchmark reports ingest throughput as ratios measured in one
 * run. They answer as an unknown route does unless EVENTLINE_BENCH is "1"
 * (never set in production) and the request came to a loopback address, as
 * under wrangler dev: `/__bench/enqueued` skips authentication, so a stray
 * var on a deployed Worker must not open it.
 *
 * - `/__bench/accepted`: the cheapest possible 202.
 * - `/__bench/enqueued`: only the binding calls an ingest request makes (one
 *   rate-limiter call, one sendBatch of the body's events as messages), with
 *   no authentication, validation or response body. Under wrangler dev both
 *   bindings are local simulators with a cost of their own; this route is the
 *   ceiling any ingest implementation could reach there.
 */
import { Hono } from "hono";
import { LIMITS } from "../config/limits.ts";
import type { Env } from "../env.ts";
import type { EventMessage } from "../events/event-schema.ts";

export const benchRoutes = new Hono<{ Bindings: Env }>();

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

benchRoutes.use("/__bench/*", async (c, next) =>
  c.env.EVENTLINE_BENCH === "1" && LOOPBACK_HOSTS.has(new URL(c.req.url).hostname) ? next() : c.notFound(),
);

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
  const messages = events.map((e): { body: EventMessage; contentType: "json" } => ({
    body: {
      v: 1,
      source: "bench-enqueued",
      id: String(e.id),
      type: String(e.type),
      occurredAt: now,
      receivedAt: now,
      payload: e.payload as Record<string, unknown>,
    },
    contentType: "json",
  }));
  await c.env.EVENTS_QUEUE.sendBatch(messages);
  return c.body(null, 202);
});
