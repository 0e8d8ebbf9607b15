/**
 * API keys. Each key belongs to exactly one source (tenant). The Worker holds
 * only SHA-256 hashes, in the API_KEYS secret, one entry per line or comma:
 *
 *   <source>:<sha256 hex of the key>
 *
 * `npm run keys:create -- <source>` makes a key and prints its line. Keys are
 * long random strings, so an unsalted fast hash is enough (as for GitHub
 * tokens); the comparison is constant-time and checks every entry.
 */
import { ConfigError } from "../errors/config-error.ts";
import { SOURCE_PATTERN } from "../events/fields.ts";
import { toBase64url } from "../lib/base64url.ts";
import { sha256Hex, timingSafeEqualString } from "./sha256.ts";

export interface KeyEntry {
  source: string;
  hash: string;
}

// Parsed once per distinct config string: bindings arrive per request, but the secret rarely changes.
let cached: { config: string; entries: KeyEntry[] } | undefined;

export function parseApiKeys(config: string | undefined): KeyEntry[] {
  if (!config) return [];
  if (cached?.config === config) return cached.entries;
  const entries = config
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"))
    .map((line, i) => {
      const [source, hash, ...rest] = line.split(":");
      if (!source || !hash || rest.length > 0 || !SOURCE_PATTERN.test(source) || !/^[0-9a-f]{64}$/.test(hash)) {
        throw new ConfigError(`API_KEYS entry ${i + 1} is not "<source>:<64 hex chars>"`);
      }
      return { source, hash };
    });
  cached = { config, entries };
  return entries;
}

/** The key's SHA-256 and the source it belongs to (undefined if none). Compares against every entry, whatever matches. */
export async function identifyKey(
  presentedKey: string,
  entries: readonly KeyEntry[],
): Promise<{ hash: string; source: string | undefined }> {
  const hash = await sha256Hex(presentedKey);
  let source: string | undefined;
  for (const e of entries) if (timingSafeEqualString(hash, e.hash) && source === undefined) source = e.source;
  return { hash, source };
}

/** Reads `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function presentedKey(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || undefined;
  return headers.get("x-api-key")?.trim() || undefined;
}

/** A new key: 32 random bytes, base64url, with a recognizable prefix for secret scanners. */
export function generateApiKey(): string {
  return `evl_${generateSecret()}`;
}

/** 32 random bytes, base64url: 43 characters (API keys, the console's session secret). */
export function generateSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return toBase64url(bytes);
}
