/**
 * The operator console (/console on the consumer Worker, beside the admin
 * API): pages over the same operations and database functions. Security at
 * this edge: a session cookie from a login with the admin token, same-origin
 * POSTs only (CSRF), a CSP without inline scripts, no framing, no caching.
 */

import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../../shared/errors/api-error.ts";
import { operatorBodyLimit } from "../../shared/http/operator-body-limit.ts";
import { asApiError } from "../../shared/http/render-error.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
import type { ConsumerEnv } from "../consumer-env.ts";
import { ASSET_PATHS, CONSOLE_CSS, CONSOLE_JS } from "./assets.ts";
import { CONSOLE_ROOT, consolePaths } from "./console-paths.ts";
import { Layout } from "./layout.tsx";
import { deadLetterPage } from "./pages/dead-letter.tsx";
import { deadLettersPage } from "./pages/dead-letters.tsx";
import { eventLookupPage } from "./pages/event-lookup.tsx";
import { loginPages } from "./pages/login.tsx";
import { overviewPage } from "./pages/overview.tsx";
import { replayPages } from "./pages/replay.tsx";
import { rollupDefinitionsPage } from "./pages/rollup-definitions.tsx";
import { rollupsPage } from "./pages/rollups.tsx";
import { hasSession } from "./session.ts";

type Env = { Bindings: ConsumerEnv };

const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: "DENY",
  // Not "no-referrer": with it, browsers send `Origin: null` on form posts, and the same-origin check below needs the origin.
  referrerPolicy: "same-origin",
});

/** A state-changing request must come from a page of this origin: SameSite=Strict already keeps the cookie off cross-site requests; this refuses them outright. */
const sameOriginOnly = createMiddleware<Env>(async (c, next) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.header("origin") !== new URL(c.req.url).origin) {
    return page(c, 403, "Refused", "This form was not sent from the console's own pages.");
  }
  await next();
});

const signedIn = createMiddleware<Env>(async (c, next) => {
  if (await hasSession(c, c.env.CONSOLE_SESSION_SECRET, c.env.ADMIN_TOKEN_SHA256)) return next();
  if (c.req.method === "GET") {
    const url = new URL(c.req.url);
    return c.redirect(consolePaths.loginThen(url.pathname + url.search), 303);
  }
  return page(c, 401, "Logged out", "Your session has ended. Log in again, then repeat the action.");
});

function page(c: Context, status: number, title: string, message: string, kind?: string): Response | Promise<Response> {
  return c.html(
    <Layout title={title}>
      <p class="error" role="alert" data-error={kind}>
        {message}
      </p>
      <p>
        <a href={consolePaths.overview}>Back to the console</a>
      </p>
    </Layout>,
    status as ContentfulStatusCode,
  );
}

const asset = (body: string, type: string) => (c: Context) =>
  c.body(body, 200, { "content-type": type, "cache-control": "public, max-age=86400, immutable" });

export const consoleRoutes = new Hono<Env>()
  .use("*", headers)
  .use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.header("cache-control", "no-store");
  })
  .get(ASSET_PATHS.css.replace(CONSOLE_ROOT, ""), asset(CONSOLE_CSS, "text/css; charset=utf-8"))
  .get(ASSET_PATHS.js.replace(CONSOLE_ROOT, ""), asset(CONSOLE_JS, "text/javascript; charset=utf-8"))
  .use("*", operatorBodyLimit)
  .use("*", sameOriginOnly)
  .route("/", loginPages)
  .use("*", signedIn)
  .route("/", overviewPage)
  .route("/dead-letters", deadLettersPage)
  .route("/dead-letters", deadLetterPage)
  .route("/", replayPages)
  .route("/events", eventLookupPage)
  .route("/rollups", rollupsPage)
  .route("/rollup-definitions", rollupDefinitionsPage)
  .all("*", (c) => page(c, 404, "Not found", "There is no console page here."))
  .onError((error, c) => {
    const err = asApiError(error) ?? error;
    if (err instanceof ApiError && err.code === "database_unavailable") {
      log("warn", "console.database_unavailable", { method: c.req.method, path: c.req.path, ...errorFields(error) });
      for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
      return page(
        c,
        503,
        "Database unavailable",
        "The database did not answer in time, so this page cannot be shown and nothing was changed. Events already accepted wait safely in the queue. Reload in a few seconds: nothing needs restarting.",
        "database-unavailable",
      );
    }
    if (err instanceof ApiError) return page(c, err.status, err.status === 404 ? "Not found" : "Cannot do that", err.message);
    if (err instanceof HTTPException && err.status < 500) return page(c, err.status, "Cannot do that", err.message);
    log("error", "console.failed", { method: c.req.method, path: c.req.path, ...errorFields(err) });
    return page(
      c,
      500,
      "Something went wrong",
      "The request failed on the server and was not completed. The error is in the Worker's logs.",
    );
  });
