/**
 * Reading a Worker's bindings: bindings arrive per invocation, so they are
 * parsed at the edge of each handler, never at module load, and each parser
 * reads only the names it needs. A wrong binding is a ConfigError.
 */
import type * as z from "zod/mini";
import { ConfigError } from "../errors/config-error.ts";

export function readEnv<T extends z.ZodMiniType>(schema: T, env: Record<string, unknown>, what: string): z.infer<T> {
  const r = schema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(`${what}: ${issue.path.join(".")} ${issue.message}`, { cause: r.error });
  }
  return r.data;
}
