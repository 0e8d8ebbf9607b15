/** Why one event of a request was not accepted: the wire contract the client library shares (@eventline/protocol). */
export type { Rejection, RejectionCode } from "@eventline/protocol";
