/**
 * Where a login sends the operator afterwards: a path inside the console, or
 * /console. It ends up in a Location header, so it must be a same-origin path
 * of printable ASCII (no control characters, spaces, backslashes or
 * non-ASCII, which browsers and the Headers API treat differently). The check
 * is made on the path as a browser would resolve it — dot segments (also
 * percent-encoded: `%2e%2e`), repeated slashes — and what is followed is that
 * resolved path, never the text as given. Pure.
 */
const PRINTABLE_PATH = /^\/[!-~]*$/;
const MAX_LENGTH = 2048;
const BASE = "https://console.invalid";
const FALLBACK = "/console";

export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > MAX_LENGTH || !PRINTABLE_PATH.test(next) || next.includes("\\")) return FALLBACK;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return FALLBACK;
  }
  const path = url.pathname;
  const inside = path === "/console" || path.startsWith("/console/");
  // An encoded slash, backslash or dot could be decoded again by whatever reads the path next.
  if (url.origin !== BASE || !inside || path.includes("//") || /%(2f|5c|2e)/i.test(path)) return FALLBACK;
  return `${path}${url.search}`;
}
