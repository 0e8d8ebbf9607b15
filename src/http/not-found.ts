import type { Context } from "hono";

/** Every unknown route, on both Workers: 404 in the one error format. */
export function notFound(c: Context): Response {
  return c.json({ code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404);
}
