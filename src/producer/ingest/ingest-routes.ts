/**
 * POST /v1/events: what upstream services call. It authenticates, validates
 * and enqueues; it never talks to the database.
 */

import { EVENTS_PATH } from "@eventline/protocol";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type ApiKeyVariables, apiKeyAuth } from "../../shared/auth/api-key-auth.ts";
import { LIMITS } from "../../shared/config/limits.ts";
import { ApiError } from "../../shared/errors/api-error.ts";
import { validate } from "../../shared/http/validate.ts";
import { log } from "../../shared/lib/log.ts";
import { ingestConfig, type ProducerEnv } from "../producer-env.ts";
import { enqueueEvents } from "./enqueue-events.ts";
import { ingestQuery } from "./ingest-schemas.ts";
import { parseBody } from "./parse-body.ts";
import { type BodyVariables, readSignedBody } from "./read-signed-body.ts";
import { refusal } from "./refusal.ts";
import { validateEvents } from "./validate-events.ts";

export const ingestRoutes = new Hono<{ Bindings: ProducerEnv; Variables: ApiKeyVariables & BodyVariables }>();

ingestRoutes.post(
  EVENTS_PATH,
  bodyLimit({
    maxSize: LIMITS.maxRequestBytes,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `request body exceeds ${LIMITS.maxRequestBytes} bytes`, {
        details: { limit: LIMITS.maxRequestBytes },
      });
    },
  }),
  validate("query", ingestQuery),
  apiKeyAuth<ProducerEnv>((env) => env.INGEST_RATE_LIMITER),
  readSignedBody,
  async (c) => {
    const started = Date.now();
    const { source, body, newId } = c.var;
    const atomic = c.req.valid("query").atomic === "true";
    const parsed = parseBody(c.req.raw.headers, body);
    const { maxFutureSkewSeconds } = ingestConfig(c.env);
    const now = new Date();
    const { accepted, rejected } = validateEvents(parsed.candidates, { source, now, maxFutureSkewSeconds, newId });

    const refused = refusal({ single: parsed.single, atomic, total: parsed.candidates.length, accepted: accepted.length, rejected });
    if (refused) {
      log("info", "ingest.rejected", { source, code: refused.code, rejected: rejected.length });
      return c.json({ code: refused.code, message: refused.message, accepted: [], rejected }, refused.status);
    }

    const sent = await enqueueEvents(c.env.EVENTS_QUEUE, { source, receivedAt: now.toISOString(), atomic }, accepted);
    // debug: at volume a line per accepted request is the biggest cost of the route under wrangler dev (bench/ingest), and Workers Logs already records every invocation.
    log("debug", "ingest.accepted", {
      source,
      accepted: sent.accepted.length,
      rejected: rejected.length + sent.rejected.length,
      messages: sent.messages,
      ms: Date.now() - started,
    });
    return c.json({ accepted: sent.accepted, rejected: [...rejected, ...sent.rejected].sort((a, b) => a.index - b.index) }, 202);
  },
);
