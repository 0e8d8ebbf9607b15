// The admin API of a local stack, as an operator's script calls it: the
// stack's admin token (or another), a JSON body, and the answer's status,
// headers and JSON body (null when it has none, as a 204).
import type { LocalStack } from "../../scripts/local-stack/start-local-stack.ts";

/** An answer's shape is each test's to assert. */
export type Json = Record<string, any>;

/** `stack` is read at call time: tests start their stack in beforeAll. */
export function adminApi(stack: () => Pick<LocalStack, "opsUrl" | "secrets">) {
  return async (method: string, path: string, body?: unknown, token = stack().secrets.adminToken) => {
    const res = await fetch(`${stack().opsUrl}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
  };
}
