export type { RetryInfo } from "./deliver-batch.ts";
export { Eventline, type EventlineOptions } from "./eventline.ts";
export { type Accepted, FAILURE_CODES, type Failed, type Outcome, type Rejected } from "./outcome.ts";
export type { EventInput } from "./prepare-event.ts";
export { type ErrorResponse, type IngestResponse, type Rejection, type RejectionCode, SIGNATURE_HEADER, WIRE_LIMITS } from "./protocol.ts";
export { canonicalRequest, type SignedRequest, signatureHeader, signingKey, signRequest } from "./signature.ts";
export { uuidv7 } from "./uuidv7.ts";
