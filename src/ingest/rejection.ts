/** Why one event of a request was not accepted. `path` names the field ("" for the whole event). */
export type RejectionCode =
  | "invalid_json"
  | "invalid_field"
  | "invalid_cloudevent"
  | "event_too_large"
  | "occurred_at_in_future"
  | "duplicate_id"
  | "queue_unavailable";

export interface Rejection {
  index: number;
  code: RejectionCode;
  path: string;
  message: string;
}
