/**
 * Reads one queue message body into an event message, or says why it cannot
 * (PermanentError, code invalid_message). Never throws anything else: the
 * consumer calls it once per message, so one body can only fail itself.
 *
 * Bodies are JSON text (contentType "text"). Objects are still accepted:
 * messages sent with contentType "json" before that change, and dead letters.
 * JSON.parse is iterative; the schema checks nesting iteratively before any
 * recursive code sees the value. Pure.
 */
import { PermanentError } from "../errors/permanent-error.ts";
import { type EventMessage, eventMessageSchema } from "./event-message.ts";

export function decodeEventMessage(body: unknown): EventMessage {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch (err) {
      throw new PermanentError(`body is not JSON: ${err instanceof Error ? err.message : String(err)}`, {
        code: "invalid_message",
        cause: err,
      });
    }
  }
  const parsed = eventMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PermanentError(`${issue.path.map(String).join(".") || "body"}: ${issue.message}`, {
      code: "invalid_message",
      cause: parsed.error,
    });
  }
  return parsed.data;
}
