/**
 * RFC 9562 UUIDv7: a 48-bit Unix ms timestamp, then 74 bits that are random
 * or, for events of a signed request, derived from its signature. Ids sort by
 * time, which keeps index inserts local. The format is the client library's
 * (@eventline/protocol), whose uuidv7 also makes the client's ids of events sent without one.
 */
import { formatUuidv7, uuidv7 } from "@eventline/protocol";

export { uuidv7 };

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
  return formatUuidv7(bytes, unixSeconds * 1000);
}
