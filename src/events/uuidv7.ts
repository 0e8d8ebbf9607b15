/**
 * RFC 9562 UUIDv7: a 48-bit Unix ms timestamp, then 74 bits that are random
 * or, for events of a signed request, derived from its signature. Ids sort by
 * time, which keeps index inserts local.
 */

/** A fresh id: random bits from the platform's CSPRNG. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return format(withTimestamp(bytes, now));
}

/**
 * The id of the `index`-th event of a signed request that sent none: the
 * request's timestamp, then the index (rand_a, 12 bits) and 62 bits of its
 * HMAC (rand_b). A captured request replayed with the same signature names
 * the same ids, so the replay is a duplicate, not a second copy.
 */
export function signedEventId(unixSeconds: number, signatureHex: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 0xfff) throw new RangeError(`index ${index} does not fit 12 bits`);
  const bytes = new Uint8Array(16);
  bytes[6] = index >> 8;
  bytes[7] = index & 0xff;
  for (let i = 0; i < 8; i++) bytes[8 + i] = Number.parseInt(signatureHex.slice(2 * i, 2 * i + 2), 16);
  return format(withTimestamp(bytes, unixSeconds * 1000));
}

function withTimestamp(bytes: Uint8Array, ms: number): Uint8Array {
  let ts = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}

function format(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
