/**
 * JSON Pointers (RFC 6901) into an event as GET /admin/events returns it,
 * turned into where the value lives in the events table: a column (source,
 * id, type) or a path into the payload or attributes jsonb. Pure.
 */

export type PointerTarget = { column: "source" | "id" | "type" } | { column: "payload" | "attributes"; path: string[] };

const WHOLE_COLUMNS = new Set(["source", "id", "type"]);
const JSON_COLUMNS = new Set(["payload", "attributes"]);

export const POINTER_ROOTS_MESSAGE = "must point into /source, /id, /type, /payload or /attributes";

/** The pointer's reference tokens, unescaped (~1 is "/", ~0 is "~"); null when it is not a pointer. */
export function pointerTokens(pointer: string): string[] | null {
  if (!pointer.startsWith("/")) return null;
  const tokens = pointer.slice(1).split("/");
  if (tokens.some((t) => /~[^01]|~$/.test(t))) return null;
  return tokens.map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Where `pointer` reads, or a message saying why it cannot be read. */
export function pointerTarget(pointer: string): PointerTarget | { error: string } {
  const tokens = pointerTokens(pointer);
  if (!tokens) return { error: 'must be a JSON Pointer: "/" then names separated by "/" (~0 for "~", ~1 for "/")' };
  const [root, ...path] = tokens;
  if (root !== undefined && WHOLE_COLUMNS.has(root)) {
    if (path.length > 0) return { error: `/${root} is a string: nothing lies below it` };
    return { column: root as "source" | "id" | "type" };
  }
  if (root !== undefined && JSON_COLUMNS.has(root)) return { column: root as "payload" | "attributes", path };
  return { error: POINTER_ROOTS_MESSAGE };
}
