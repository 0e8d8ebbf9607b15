/**
 * Where a login sends the operator afterwards: a path inside the console,
 * or /console. It ends up in a Location header, so it must be a same-origin
 * path of printable ASCII (no control characters, spaces, backslashes or
 * non-ASCII, which browsers and the Headers API treat differently), and
 * nothing that a browser reads as another origin (`//host`). Pure.
 */
const SAFE_NEXT = /^\/console(?:[/?][!-~]*)?$/;
const MAX_LENGTH = 2048;

export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > MAX_LENGTH || !SAFE_NEXT.test(next)) return "/console";
  if (next.includes("\\") || next.startsWith("/console//")) return "/console";
  return next;
}
