/** Why one event of a request was not accepted: the wire contract the client library shares (client/src/protocol.ts). */
export type { Rejection, RejectionCode } from "../../client/src/protocol.ts";
