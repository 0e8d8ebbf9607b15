/**
 * The event contract, shared by the producer (validating what upstream sends)
 * and the consumer (validating what the queue delivers). Pure: no Worker or
 * Prisma imports.
 */
import * as z from "zod";
import { LIMITS } from "../config/limits.ts";

/** Lower-case ASCII, digits and `_ . : -`, starting with a letter or digit. */
export const EVENT_TYPE_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
/** Visible ASCII without spaces: safe in URLs, logs and CLI output. */
export const EVENT_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
/** Same alphabet as types: a source names a tenant and appears in paths. */
export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

const isoDateTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a time zone (e.g. 2026-11-27T10:00:00Z)" });

/**
 * Escapes Postgres jsonb refuses: NUL (22P05) and unpaired UTF-16 surrogates
 * (22P02). JSON.stringify writes exactly these as \u escapes (paired
 * surrogates, e.g. emoji, stay literal), so one scan of its output finds them.
 * An even run of backslashes before "u" is escaped text, not an escape.
 */
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** A JSON object that Postgres jsonb can store. */
const jsonObject = z
  .record(z.string(), z.unknown(), { message: "must be a JSON object" })
  .refine((v) => !UNSTORABLE_ESCAPE.test(JSON.stringify(v)), {
    message: "must not contain \\u0000 or unpaired surrogates (Postgres jsonb cannot store them)",
  });

/** What upstream services send (the native format). */
export const nativeEventSchema = z.strictObject({
  id: z.string().regex(EVENT_ID_PATTERN, `must be 1–${LIMITS.maxIdLength} visible ASCII characters`).optional(),
  source: z.string().regex(SOURCE_PATTERN, "must match ^[a-z0-9][a-z0-9_.:-]{0,63}$").optional(),
  type: z.string().regex(EVENT_TYPE_PATTERN, "must match ^[a-z0-9][a-z0-9_.:-]{0,63}$"),
  occurredAt: isoDateTime.optional(),
  payload: jsonObject,
});
export type NativeEvent = z.infer<typeof nativeEventSchema>;

/** Version 1 of the queue message body: an event as accepted, with its tenant fixed. */
export const eventMessageSchema = z.strictObject({
  v: z.literal(1),
  source: z.string().regex(SOURCE_PATTERN),
  id: z.string().regex(EVENT_ID_PATTERN),
  type: z.string().regex(EVENT_TYPE_PATTERN),
  occurredAt: isoDateTime,
  receivedAt: isoDateTime,
  payload: jsonObject,
  /** Extra attributes, e.g. CloudEvents extensions and the CloudEvents `source` URI. */
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;
