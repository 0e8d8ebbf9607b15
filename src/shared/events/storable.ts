/**
 * What Postgres can store, stated once. The producer accepts only events that
 * pass these rules, and the consumer checks them again before anything
 * recursive touches a message, so one event's content can never fail, delay
 * or lose another. Pure and iterative: no input can exhaust the call stack.
 *
 * - text and jsonb refuse NUL (22P05 / 22021) and unpaired UTF-16 surrogates
 *   (they have no UTF-8 encoding), in keys as in values;
 * - timestamptz holds years 0001–9999 here (year 0 and before fail with 22008);
 * - a JSON value in an event nests at most LIMITS.maxJsonDepth levels: deep
 *   enough for real data, shallow enough for every recursive serializer on the way.
 */
import { LIMITS } from "../config/limits.ts";
import type { JsonPath } from "../json/json-path.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this rule is about.
const UNSTORABLE_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE = "contains NUL (\\u0000) or an unpaired surrogate, which Postgres cannot store";

/** What could be unstorable: the quick test most strings pass without looking further. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this rule is about.
const SUSPECT = /[\u0000\ud800-\udfff]/;

export function isStorableText(s: string): boolean {
  return !SUSPECT.test(s) || !UNSTORABLE_CHARACTER.test(s);
}

/** The text with every character Postgres refuses written as a JSON \uXXXX escape: for logs and error messages, never for data. */
export function toStorableText(s: string): string {
  return isStorableText(s)
    ? s
    : s.replace(new RegExp(UNSTORABLE_CHARACTER, "g"), (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** At most `max` UTF-16 code units of `s`, never ending in half a surrogate pair (which would be unstorable). */
export function sliceText(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** The instants a timestamptz column takes here, in ms since the epoch: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z. */
export const STORABLE_INSTANTS = { min: Date.parse("0001-01-01T00:00:00.000Z"), max: Date.parse("9999-12-31T23:59:59.999Z") } as const;

export const UNSTORABLE_INSTANT_MESSAGE = "must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z";

export function isStorableInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= STORABLE_INSTANTS.min && ms <= STORABLE_INSTANTS.max;
}

export interface StorableProblem {
  /** Relative to the value checked. */
  path: JsonPath;
  message: string;
}

interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | undefined;
  key: string | number | undefined;
}

/**
 * The first reason `value` cannot be stored as jsonb, or undefined. `value`
 * itself is level 1 of the depth. Only JSON's own types pass.
 */
export function findUnstorable(value: unknown, maxDepth: number = LIMITS.maxJsonDepth): StorableProblem | undefined {
  const pending: Visit[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let at = pending.pop(); at; at = pending.pop()) {
    const v = at.value;
    const problem = (message: string, key?: string) => ({ path: pathOf(at, key), message });
    if (typeof v === "string") {
      if (!isStorableText(v)) return problem(UNSTORABLE_TEXT_MESSAGE);
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return problem("must be a finite number");
    } else if (v === null || typeof v === "boolean") {
      // storable as is
    } else if (typeof v === "object") {
      if (at.depth > maxDepth) return problem(`nests deeper than ${maxDepth} levels`);
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) pending.push({ value: v[i], depth: at.depth + 1, parent: at, key: i });
      } else {
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return problem("must be plain JSON");
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i]!;
          if (!isStorableText(k)) return problem(`key ${UNSTORABLE_TEXT_MESSAGE}`, k);
          pending.push({ value: (v as Record<string, unknown>)[k], depth: at.depth + 1, parent: at, key: k });
        }
      }
    } else {
      return problem(`must be JSON (found ${typeof v})`);
    }
  }
  return undefined;
}

function pathOf(at: Visit, extra?: string): JsonPath {
  const path: (string | number)[] = extra === undefined ? [] : [extra];
  for (let v: Visit | undefined = at; v?.key !== undefined; v = v.parent) path.unshift(v.key);
  return path;
}
