import type { Context } from "hono";
import { notFoundError } from "../errors/api-error.ts";
import { renderError } from "./render-error.ts";

/** Every unknown route, on both Workers: the one 404 (errors/api-error.ts). */
export function notFound(c: Context): Response {
  return renderError(notFoundError(`route ${c.req.method} ${c.req.path}`), c);
}
