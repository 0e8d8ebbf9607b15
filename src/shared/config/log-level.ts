/** LOG_LEVEL, read the same way by both Workers. */
import * as z from "zod/mini";

const logSchema = z.object({ LOG_LEVEL: z._default(z.enum(["debug", "info", "warn", "error"]), "info") });

/** The log level; a wrong value falls back to info rather than failing the request it would log. */
export function logLevel(env: { LOG_LEVEL?: string }): "debug" | "info" | "warn" | "error" {
  const r = logSchema.safeParse(env);
  return r.success ? r.data.LOG_LEVEL : "info";
}
