/** Log in with the admin token (an ingest key cannot), log out. The token goes in a POST body, never a URL. */

import { Hono } from "hono";
import { countFailedAuth } from "../../../shared/auth/failed-auth-throttle.ts";
import { checkAdminToken } from "../../auth/admin-auth.ts";
import type { ConsumerEnv } from "../../consumer-env.ts";
import { consolePaths } from "../console-paths.ts";
import { Layout } from "../layout.tsx";
import { safeNext } from "../safe-next.ts";
import { endSession, startSession } from "../session.ts";

const REFUSALS = {
  ingest_key: "That is an ingest API key; the console takes the admin token.",
  unknown: "That is not the admin token.",
  disabled: "The console is disabled: ADMIN_TOKEN_SHA256 is not set on this Worker.",
  no_secret: "The console is disabled: CONSOLE_SESSION_SECRET (at least 32 characters) is not set on this Worker.",
  not_https: "The console is served over https only.",
} as const;

function LoginPage(props: { error?: string; next: string }) {
  return (
    <Layout title="Log in" loggedIn={false}>
      <form method="post" action={consolePaths.login} class="login">
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <input type="hidden" name="next" value={props.next} />
        <label>
          Admin token
          <input type="password" name="token" autocomplete="current-password" required autofocus />
        </label>
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}

export const loginPages = new Hono<{ Bindings: ConsumerEnv }>()
  .get("/login", (c) => c.html(<LoginPage next={safeNext(c.req.query("next"))} />))
  .post("/login", async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const check = token ? await checkAdminToken(token, c.env) : "unknown";
    if (check !== "admin") {
      await countFailedAuth(c.env, c.req.raw.headers);
      return c.html(<LoginPage error={REFUSALS[check]} next={safeNext(form.next)} />, check === "ingest_key" ? 403 : 401);
    }
    const refused = await startSession(c, c.env.CONSOLE_SESSION_SECRET, c.env.ADMIN_TOKEN_SHA256);
    if (refused) return c.html(<LoginPage error={REFUSALS[refused]} next={safeNext(form.next)} />, 403);
    return c.redirect(safeNext(form.next), 303);
  })
  .post("/logout", (c) => {
    endSession(c, c.env.CONSOLE_SESSION_SECRET);
    return c.redirect(consolePaths.login, 303);
  });
