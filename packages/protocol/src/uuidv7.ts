/**
 * RFC 9562 UUIDv7: a 48-bit Unix ms timestamp, version and variant bits, and
 * 74 other bits. Ids sort by time, which keeps the server's index inserts local.
 * The server builds its own ids (and ids derived from signatures) with these too.
 */
import { toHex } from "./hex.ts";

/** A fresh id: random bits from the platform's CSPRNG. */
export function uuidv7(now: number = Date.now()): string {
  return formatUuidv7(randomBytes16(), now);
}

// One CSPRNG call per 256 ids: per id, the call was most of the client's CPU per event (bench/client.ts).
const POOL_BYTES = 16 * 256;
let pool = new Uint8Array(0);
let used = 0;

function randomBytes16(): Uint8Array {
  if (used + 16 > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}

/** Writes the timestamp, version and variant into `bytes` (16 of them) and formats them. */
export function formatUuidv7(bytes: Uint8Array, ms: number): string {
  let ts = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
