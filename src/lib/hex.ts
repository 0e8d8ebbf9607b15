const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Lower-case hex of bytes: the text form of hashes (API keys, tokens). */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += BYTE_HEX[b];
  return hex;
}
