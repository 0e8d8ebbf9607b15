/**
 * The body limit of everything operators send (admin API, console): read no
 * further than this, before authentication, so an unauthenticated client
 * cannot make the Worker read a large body.
 */
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors/api-error.ts";

/** Largest operator request body: a replay or discard of 10,000 ids is ~400 KB. */
export const OPERATOR_MAX_BODY_BYTES = 1024 * 1024;

export const operatorBodyLimit = bodyLimit({
  maxSize: OPERATOR_MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "payload_too_large", `request body exceeds ${OPERATOR_MAX_BODY_BYTES} bytes`, {
      details: { limit: OPERATOR_MAX_BODY_BYTES },
    });
  },
});
