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
    if (!result.success) throw invalidRequest(target, result.error);
  });
}

/** The same check for values that do not come straight from a request part (e.g. an HTML form turned into a JSON shape). */
export function parseOrThrow<T extends z.ZodMiniType>(target: string, schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(target, result.error);
  return result.data;
}

function invalidRequest(target: string, error: z.core.$ZodError): ApiError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join(".");
  return new ApiError(400, "invalid_request", `${target}${path ? `.${path}` : ""}: ${issue.message}`, { details: { path, target } });
}
