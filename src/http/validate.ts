/**
 * zod validation for query strings and JSON bodies, failing as our one error
 * format: 400 invalid_request with the field path and the reason.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type * as z from "zod/mini";
import { ApiError } from "../errors/api-error.ts";

export function validate<T extends z.ZodMiniType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const path = issue.path.map(String).join(".");
      throw new ApiError(400, "invalid_request", `${target}${path ? `.${path}` : ""}: ${issue.message}`, { details: { path, target } });
    }
  });
}
