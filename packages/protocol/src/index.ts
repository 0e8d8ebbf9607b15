/**
 * @eventline/protocol: what the Workers and @eventline/client must agree on
 * about POST /v1/events, stated once — limits, paths and headers, rejection
 * codes and response types, the signature's canonical form, the id format,
 * and how a size is counted (UTF-8 bytes). Zero dependencies; Web APIs only.
 */
export { toHex } from "./hex.ts";
export { canonicalRequest, type SignedRequest, signatureHeader, signatureOf, signingKey, signRequest } from "./signature.ts";
export { utf8Length } from "./utf8-length.ts";
export { formatUuidv7, uuidv7 } from "./uuidv7.ts";
export {
  type ErrorResponse,
  EVENTS_PATH,
  type IngestResponse,
  REJECTION_CODES,
  type Rejection,
  type RejectionCode,
  SIGNATURE_HEADER,
  WIRE_LIMITS,
} from "./wire.ts";
