/**
 * The console's answer to an error its pages could not handle: a page saying
 * the database is unavailable (503, Retry-After) when it is, so an operator
 * sees why during an outage, and the API's error body for anything else.
 */
import type { Context } from "hono";
import { asApiError, renderError } from "../http/render-error.ts";
import { errorFields, log } from "../lib/log.ts";
import { Layout } from "./layout.tsx";

export function renderConsoleError(err: Error, c: Context): Response | Promise<Response> {
  const api = asApiError(err);
  if (api?.code !== "database_unavailable") return renderError(err, c);
  log("warn", "request.database_unavailable", { method: c.req.method, path: c.req.path, ...errorFields(err) });
  return c.html(
    <Layout title="Database unavailable">
      <h1>The database is unavailable</h1>
      <p data-database-unavailable>
        The console could not reach the database within its deadline, so this page cannot be shown and nothing was changed. Events already
        accepted are safe in the queue. This page can be reloaded in a few seconds; nothing needs restarting.
      </p>
    </Layout>,
    503,
    api.headers,
  );
}
