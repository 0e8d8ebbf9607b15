/**
 * JSON.parse without its silent changes. It returns what JSON.parse returns,
 * and reports, each with the path where it happened:
 * - `duplicate_key`: JSON.parse keeps the last of repeated keys; the first is kept here and the repeat reported;
 * - `inexact_number`: a number a double cannot hold (`1e400`, `9007199254740993`);
 * - `too_deep`: nesting past `maxDepth`; that subtree is skipped, never built, so no input can exhaust memory.
 * A `__proto__` key is an own property, as with JSON.parse.
 *
 * Iterative, so no nesting can exhaust the call stack. Text that is not JSON
 * throws JsonSyntaxError. Pure.
 */
import { JsonSyntaxError } from "../errors/json-syntax-error.ts";
import { isExactNumber } from "./exact-number.ts";
import type { JsonPath } from "./json-path.ts";

export type JsonProblemKind = "duplicate_key" | "inexact_number" | "too_deep";

export interface JsonProblem {
  kind: JsonProblemKind;
  path: JsonPath;
  message: string;
}

export interface ParsedJson {
  value: unknown;
  problems: JsonProblem[];
}

type JsonObject = Record<string, unknown>;

interface Frame {
  container: unknown[] | JsonObject;
  /** The key whose value is being read (objects only). */
  key: string;
}

const WHITESPACE = /[ \t\n\r]*/y;
// A whole string token: unescaped characters other than quote, backslash and controls, or a valid escape.
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings; this is that rule.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a raw control character makes a string invalid JSON; the slow path reports it.
const NEEDS_DECODING = /[\\\u0000-\u001f]/;

export function parseJson(text: string, opts: { maxDepth: number }): ParsedJson {
  let pos = 0;
  const problems: JsonProblem[] = [];
  const stack: Frame[] = [];

  const fail = (what: string): never => {
    const found = pos < text.length ? `${JSON.stringify(text[pos])}` : "the end of the text";
    throw new JsonSyntaxError(`expected ${what} at position ${pos}, found ${found}`, { position: pos });
  };
  const skipWhitespace = () => {
    const c = text.charCodeAt(pos);
    // Most tokens follow one another directly: no regex for them.
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    WHITESPACE.lastIndex = pos;
    WHITESPACE.test(text);
    pos = WHITESPACE.lastIndex;
  };
  const pathHere = (): (string | number)[] => stack.map((f) => (Array.isArray(f.container) ? f.container.length : f.key));
  const readString = (): string => {
    // Fast path: up to the next quote there is no escape and no control character.
    const close = text.indexOf('"', pos + 1);
    if (close > pos) {
      const raw = text.slice(pos + 1, close);
      if (!NEEDS_DECODING.test(raw)) {
        pos = close + 1;
        return raw;
      }
    }
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (!m) fail("a complete string (closing quote, valid escapes, no raw control characters)");
    const token = m![0];
    pos += token.length;
    return JSON.parse(token) as string;
  };
  const readKey = () => {
    skipWhitespace();
    if (text.charCodeAt(pos) !== 0x22) fail("a key in double quotes");
    const key = readString();
    skipWhitespace();
    if (text.charCodeAt(pos) !== 0x3a) fail('":"');
    pos++;
    return key;
  };
  const literal = (word: string, value: unknown) => {
    if (!text.startsWith(word, pos)) fail("a JSON value");
    pos += word.length;
    return value;
  };
  /** Skips a container the depth limit refuses, counting brackets only. */
  const skipContainer = () => {
    let depth = 0;
    do {
      skipWhitespace();
      const c = text.charCodeAt(pos);
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) depth--;
      if (c === 0x22) readString();
      else if (pos >= text.length) fail("the end of a nested value");
      else pos++;
    } while (depth > 0);
  };

  let result: unknown;
  read: for (;;) {
    // Read one value; a container that is not empty pushes a frame and reads its first member.
    skipWhitespace();
    const c = text.charCodeAt(pos);
    let value: unknown;
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= opts.maxDepth) {
        problems.push({ kind: "too_deep", path: pathHere(), message: `nests deeper than ${opts.maxDepth} levels` });
        skipContainer();
        value = undefined;
      } else {
        pos++;
        skipWhitespace();
        const isArray = c === 0x5b;
        if (text.charCodeAt(pos) === (isArray ? 0x5d : 0x7d)) {
          pos++;
          value = isArray ? [] : {};
        } else {
          const frame: Frame = { container: isArray ? [] : {}, key: "" };
          stack.push(frame);
          if (!isArray) frame.key = readKey();
          continue;
        }
      }
    } else if (c === 0x22) {
      value = readString();
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (!m) fail("a number");
      const token = m![0];
      pos += token.length;
      value = Number(token);
      if (!isExactNumber(token, value as number)) {
        problems.push({
          kind: "inexact_number",
          path: pathHere(),
          message: `${token} cannot be stored exactly (a 64-bit float would hold ${value})`,
        });
      }
    } else if (c === 0x74) value = literal("true", true);
    else if (c === 0x66) value = literal("false", false);
    else if (c === 0x6e) value = literal("null", null);
    else fail("a JSON value");

    // Attach the value to its container; close every container that ends here.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        result = value;
        break read;
      }
      if (Array.isArray(top.container)) top.container.push(value);
      // The object's own keys are the keys seen so far ("__proto__" included: setOwn makes it one).
      else if (Object.hasOwn(top.container, top.key)) {
        problems.push({
          kind: "duplicate_key",
          path: pathHere(),
          message: `the key ${JSON.stringify(top.key)} appears more than once in this object`,
        });
      } else setOwn(top.container, top.key, value);
      skipWhitespace();
      const next = text.charCodeAt(pos);
      if (next === 0x2c) {
        pos++;
        if (!Array.isArray(top.container)) top.key = readKey();
        continue read;
      }
      if (next !== (Array.isArray(top.container) ? 0x5d : 0x7d)) fail(Array.isArray(top.container) ? '"," or "]"' : '"," or "}"');
      pos++;
      stack.pop();
      value = top.container;
    }
  }
  skipWhitespace();
  if (pos !== text.length) fail("the end of the text");
  return { value: result, problems };
}

/** `o[key] = v` would set the prototype for "__proto__"; JSON keeps it as data. */
function setOwn(o: JsonObject, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
