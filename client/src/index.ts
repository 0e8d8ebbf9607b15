export {
  canonicalRequest,
  type ErrorResponse,
  type IngestResponse,
  type Rejection,
  type RejectionCode,
  SIGNATURE_HEADER,
  type SignedRequest,
  signatureHeader,
  signingKey,
  signRequest,
  uuidv7,
  WIRE_LIMITS,
} from "@eventline/protocol";
export type { RetryInfo } from "./deliver-batch.ts";
export { Eventline, type EventlineOptions } from "./eventline.ts";
export { type Accepted, FAILURE_CODES, type Failed, type Outcome, type Rejected } from "./outcome.ts";
export type { EventInput } from "./prepare-event.ts";
