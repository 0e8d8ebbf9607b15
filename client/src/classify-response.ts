/**
 * What a response to POST /v1/events means for the events it carried. Pure.
 *
 * - a body with `accepted`/`rejected` lists (a 202, or a 400/413 refusing every
 *   event of a batch): per-event outcomes; `queue_unavailable` ones are resent
 * - 413 without lists (the body or the batch is too large): split the batch
 * - 403 source_forbidden names the event with another tenant's source: reject it, send the rest
 * - 408, 429, 500, 502, 503, 504, a network error or an unreadable 2xx: retry; the
 *   events keep their ids, so a retry of a request that did land is a duplicate the server drops
 * - anything else (400, 401, 403, 415, …): fail, resending cannot help
 */
import type { IngestResponse, Rejection } from "@eventline/protocol";
import { parseRetryAfter } from "./retry-delay.ts";

export type Verdict =
  | { kind: "outcomes"; accepted: IngestResponse["accepted"]; rejected: Rejection[] }
  | { kind: "split"; code: string; message: string }
  | { kind: "exclude"; index: number; code: "source_forbidden"; path: string; message: string }
  | { kind: "retry"; code: string; message: string; retryAfterMs?: number }
  | { kind: "fail"; code: string; message: string };

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function classifyResponse(status: number, bodyText: string, retryAfter: string | null, now: number = Date.now()): Verdict {
  const body = parseBody(bodyText);
  if (isIngestResponse(body) && (status === 202 || status === 400 || status === 413)) {
    return { kind: "outcomes", accepted: body.accepted, rejected: body.rejected };
  }
  const code = typeof body?.code === "string" ? body.code : `http_${status}`;
  const message = typeof body?.message === "string" ? body.message : `HTTP ${status}`;
  if (status === 413) return { kind: "split", code, message };
  // One event named another tenant's source: the server refuses the whole request; the others can go without it.
  if (status === 403 && code === "source_forbidden" && typeof body?.index === "number") {
    return { kind: "exclude", index: body.index, code, path: "source", message };
  }
  if (RETRYABLE_STATUSES.has(status)) return { kind: "retry", code, message, retryAfterMs: parseRetryAfter(retryAfter, now) };
  if (status >= 200 && status < 300)
    return { kind: "retry", code: "invalid_response", message: `HTTP ${status} without the accepted/rejected lists` };
  return { kind: "fail", code, message };
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isIngestResponse(body: Record<string, unknown> | undefined): body is Record<string, unknown> & IngestResponse {
  return Array.isArray(body?.accepted) && Array.isArray(body?.rejected);
}
