/**
 * The zod schemas of every field that reaches Postgres from outside: events,
 * query parameters, admin bodies. Each applies the storable rules
 * (storable.ts), so bad input is a 400 with the field's path, never a
 * database error. Pure.
 *
 * zod/mini, the tree-shakable build of zod: the producer's bundle and startup
 * carry only the parts these schemas use (bench/workers.ts).
 */
import { en } from "zod/locales";
import * as z from "zod/mini";
import { LIMITS } from "../config/limits.ts";
import { findUnstorable, isStorableInstant, isStorableText, UNSTORABLE_INSTANT_MESSAGE, UNSTORABLE_TEXT_MESSAGE } from "./storable.ts";

// Messages for what zod/mini reports without a locale (wrong types, unknown options) stay readable.
z.config(en());

/** Lower-case ASCII letters, digits and `_ . : -`, starting with a letter or digit: safe in URLs, logs and CLI output. */
const namePattern = (max: number) => new RegExp(`^[a-z0-9][a-z0-9_.:-]{0,${max - 1}}$`);

export const EVENT_TYPE_PATTERN = namePattern(LIMITS.maxTypeLength);
/** Same alphabet as types: a source names a tenant and appears in paths. */
export const SOURCE_PATTERN = namePattern(LIMITS.maxSourceLength);
/** Visible ASCII without spaces. */
export const EVENT_ID_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${LIMITS.maxIdLength}}$`);

export const eventType = z.string().check(z.regex(EVENT_TYPE_PATTERN, `must match ${EVENT_TYPE_PATTERN.source}`));
export const sourceName = z.string().check(z.regex(SOURCE_PATTERN, `must match ${SOURCE_PATTERN.source}`));
export const eventId = z.string().check(
  z.regex(EVENT_ID_PATTERN, `must be 1–${LIMITS.maxIdLength} visible ASCII characters`),
  // A path segment of its own (GET /admin/events/{source}/{id}): "." and ".." would name another path.
  z.refine((id) => id !== "." && id !== "..", 'must not be "." or ".."'),
);

/** Free text (a filter value, a reason) of `min`–`max` characters, after trimming if asked: anything Postgres text can hold. */
export const storableText = (min: number, max: number, opts: { trim?: boolean } = {}) =>
  z.string().check(...(opts.trim ? [z.trim()] : []), z.minLength(min), z.maxLength(max), z.refine(isStorableText, UNSTORABLE_TEXT_MESSAGE));

/** An ISO 8601 date-time with a time zone, within the range timestamptz holds here. */
export const isoInstant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date-time with a time zone (e.g. 2026-11-27T10:00:00Z)" })
  .check(z.refine((s) => isStorableInstant(Date.parse(s)), UNSTORABLE_INSTANT_MESSAGE));

/** A UTC calendar day, YYYY-MM-DD, within the same range. */
export const utcDay = z.iso
  .date({ error: "must be a date YYYY-MM-DD" })
  .check(z.refine((s) => isStorableInstant(Date.parse(`${s}T00:00:00.000Z`)), "must lie between 0001-01-01 and 9999-12-31"));

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A JSON object jsonb stores exactly as sent. Checked, never copied: zod's
 * record would rebuild it by assignment, which drops a "__proto__" key.
 * `extraLevels` counts wrapper levels above the values the depth limit is about
 * (1 for an attributes object, whose values are the attributes).
 */
export const jsonObject = (extraLevels = 0) =>
  z.custom<Record<string, unknown>>(isJsonObject, "must be a JSON object").check(
    z.superRefine((v, ctx) => {
      const problem = findUnstorable(v, LIMITS.maxJsonDepth + extraLevels);
      if (problem) ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
    }),
  );
