// The operator console's edge in workerd: login and the session cookie,
// same-origin POSTs, security headers, and escaping of stored text. (The
// whole flow in a real browser is console.browser.e2e.test.ts.)
import { exports } from "cloudflare:workers";
import { serializeSigned } from "hono/utils/cookie";
import { describe, expect, it } from "vitest";
import { SESSION_SECONDS, tokenFingerprint } from "../../src/consumer/console/session.ts";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import { sha256Hex } from "../../src/shared/auth/sha256.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { TEST_ADMIN_TOKEN, TEST_AUTH_FAILURE_LIMIT, TEST_KEYS } from "../support/credentials.ts";
import { db, sql, testEnv } from "../support/worker-db.ts";

const worker = exports.default;
const HOST = "https://ops.eventline.test";

const request = (path: string, init: RequestInit & { origin?: string | null; base?: string } = {}) => {
  const base = init.base ?? HOST;
  const headers = new Headers(init.headers);
  if (init.origin !== null && init.method === "POST") headers.set("origin", init.origin ?? base);
  return worker.fetch(new Request(`${base}${path}`, { ...init, headers, redirect: "manual" }));
};
const login = (token: string, base = HOST) =>
  request("/console/login", { method: "POST", base, body: new URLSearchParams({ token, next: "/console/dead-letters" }) });

async function session(): Promise<string> {
  const res = await login(TEST_ADMIN_TOKEN);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

describe("operator console", () => {
  it("sends a visitor without a session to the login page, keeping where they were going", async () => {
    const res = await request("/console/dead-letters?status=pending");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/console/login?next=${encodeURIComponent("/console/dead-letters?status=pending")}`);
  });

  it("logs in with the admin token only: an ingest key and a wrong token are refused", async () => {
    const ingest = await login(TEST_KEYS.tenantA);
    expect(ingest.status).toBe(403);
    expect(await ingest.text()).toContain("ingest API key");
    expect(ingest.headers.get("set-cookie")).toBeNull();
    expect((await login("evla_wrong")).status).toBe(401);

    const ok = await login(TEST_ADMIN_TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/console/dead-letters");
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-eventline_console=/);
    for (const flag of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=28800"]) expect(cookie).toContain(flag);
    expect(cookie).not.toContain(TEST_ADMIN_TOKEN);
  });

  it("drops Secure and the __Host- prefix only on loopback, where npm run dev serves plain http", async () => {
    const cookie = (await login(TEST_ADMIN_TOKEN, "http://127.0.0.1:8788")).headers.get("set-cookie")!;
    expect(cookie).toMatch(/^eventline_console=/);
    expect(cookie).not.toContain("Secure");
    expect(cookie).toContain("HttpOnly");
  });

  it("serves pages to a session, and not to a forged or altered cookie", async () => {
    const cookie = await session();
    const page = await request("/console", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Waiting for an operator");
    const [name, value] = cookie.split("=");
    const forged = `${name}=${value!.replace(/^v3\.\d+/, "v3.99999999999")}`;
    expect((await request("/console", { headers: { cookie: forged } })).status).toBe(303);
  });

  /** A cookie as the console would sign it, with `secret`, saying `value`. */
  const cookieSignedWith = async (secret: string, value: string, name = "__Host-eventline_console") =>
    (await serializeSigned(name, value, secret, { secure: true, path: "/" })).split(";")[0]!;
  const issued = async (secondsAgo: number, adminTokenSha256 = testEnv.ADMIN_TOKEN_SHA256) =>
    `v3.${Math.floor(Date.now() / 1000) - secondsAgo}.${await tokenFingerprint(adminTokenSha256)}`;

  it("refuses sessions signed with anything but CONSOLE_SESSION_SECRET: the admin token's hash opens nothing", async () => {
    const hash = await sha256Hex(TEST_ADMIN_TOKEN);
    for (const key of [`eventline-console-session:${hash}`, `eventline-console-session-v3:${hash}`, hash, hash.toUpperCase()]) {
      for (const value of [await issued(0), "v1.99999999999"]) {
        expect((await request("/console", { headers: { cookie: await cookieSignedWith(key, value) } })).status, key).toBe(303);
      }
    }
    const real = await cookieSignedWith(`eventline-console-session-v3:${testEnv.CONSOLE_SESSION_SECRET}`, await issued(0));
    expect((await request("/console", { headers: { cookie: real } })).status).toBe(200);
  });

  it("ends a session SESSION_SECONDS after it was issued, whatever the cookie says, and refuses one issued in the future", async () => {
    const key = `eventline-console-session-v3:${testEnv.CONSOLE_SESSION_SECRET}`;
    expect(
      (await request("/console", { headers: { cookie: await cookieSignedWith(key, await issued(SESSION_SECONDS - 60)) } })).status,
    ).toBe(200);
    expect(
      (await request("/console", { headers: { cookie: await cookieSignedWith(key, await issued(SESSION_SECONDS + 1)) } })).status,
    ).toBe(303);
    expect((await request("/console", { headers: { cookie: await cookieSignedWith(key, await issued(-3600)) } })).status).toBe(303);
  });

  it("ends every session when the admin token is rotated: the old token gets 401 and its sessions a login page", async () => {
    const cookie = await session();
    const rotated = { ...testEnv, ADMIN_TOKEN_SHA256: await sha256Hex("a-new-admin-token-after-a-leak") };
    const { consumerApp } = await import("../../src/consumer/index.ts");
    expect((await consumerApp.request(`${HOST}/console`, { headers: { cookie } }, rotated)).status).toBe(303);
    const api = await consumerApp.request(`${HOST}/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }, rotated);
    expect(api.status).toBe(401);
    // A session signed under another token's fingerprint is refused too, even with the right secret.
    const key = `eventline-console-session-v3:${testEnv.CONSOLE_SESSION_SECRET}`;
    const other = await cookieSignedWith(key, await issued(0, await sha256Hex("some-other-token")));
    expect((await request("/console", { headers: { cookie: other } })).status).toBe(303);
  });

  it("ends every session when CONSOLE_SESSION_SECRET is rotated, and is disabled without one", async () => {
    const cookie = await session();
    const rotated = { ...testEnv, CONSOLE_SESSION_SECRET: "another-secret-of-at-least-32-characters!" };
    const { consumerApp } = await import("../../src/consumer/index.ts");
    expect((await consumerApp.request(`${HOST}/console`, { headers: { cookie } }, rotated)).status).toBe(303);
    const without = { ...testEnv, CONSOLE_SESSION_SECRET: undefined };
    const res = await consumerApp.request(
      `${HOST}/console/login`,
      { method: "POST", headers: { origin: HOST }, body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }) },
      without,
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("CONSOLE_SESSION_SECRET");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("holds no session over plain http off loopback, even with a valid cookie and a forged Host", async () => {
    const cookie = await session();
    expect((await request("/console", { base: "http://ops.eventline.test", headers: { cookie } })).status).toBe(303);
    const login = await request("/console/login", {
      method: "POST",
      base: "http://ops.eventline.test",
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }),
    });
    expect(login.status).toBe(403);
    expect(login.headers.get("set-cookie")).toBeNull();
  });

  it("answers a login whose next holds CR/LF with a redirect into the console, never a 500", async () => {
    for (const next of ["/console?a\r\nb", "/console?a%0D%0Ab", "/console/\u0000x", "//evil.example", "/console\\evil"]) {
      const res = await request("/console/login", { method: "POST", body: new URLSearchParams({ token: TEST_ADMIN_TOKEN, next }) });
      expect(res.status, JSON.stringify(next)).toBe(303);
      expect(new URL(res.headers.get("location")!, HOST).origin).toBe(HOST);
      const page = await request(`/console/login?next=${encodeURIComponent(next)}`);
      expect(page.status).toBe(200);
    }
  });

  it("refuses state-changing requests from another origin or without one", async () => {
    const cookie = await session();
    const body = new URLSearchParams({ scope: "filter", source: "x", reason: "cleanup" });
    expect((await request("/console/discard", { method: "POST", headers: { cookie }, body, origin: "https://evil.example" })).status).toBe(
      403,
    );
    expect((await request("/console/discard", { method: "POST", headers: { cookie }, body, origin: null })).status).toBe(403);
    expect((await request("/console/discard", { method: "POST", headers: { cookie }, body })).status).toBe(200);
  });

  it("throttles failed logins per address: past the limit, a 429 page", async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    let res: Response | undefined;
    // Up to 2 × the limit: the limiter counts in fixed windows, and one may turn during the loop.
    for (let i = 0; i <= 2 * TEST_AUTH_FAILURE_LIMIT && res?.status !== 429; i++) {
      res = await request("/console/login", {
        method: "POST",
        headers: { "cf-connecting-ip": address },
        body: new URLSearchParams({ token: `evla_wrong_${i}` }),
      });
    }
    expect(res!.status).toBe(429);
    expect(res!.headers.get("set-cookie")).toBeNull();
  });

  it("reads no more than 1 MB of a console request, before anyone has logged in", async () => {
    const big = new URLSearchParams({ token: "x".repeat(2 * 1024 * 1024) });
    const res = await request("/console/login", { method: "POST", body: big });
    expect(res.status).toBe(413);
  });

  it("serves its script, the checked source file as it is, and its stylesheet", async () => {
    const js = await request("/console/assets/console-v1.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    const text = await js.text();
    expect(text.startsWith("// @ts-check")).toBe(true);
    expect(text).toContain("async function followReplay(root)");
    const css = await request("/console/assets/console-v1.css");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
  });

  it("sends a CSP without inline scripts, forbids framing and caching", async () => {
    const res = await request("/console/login");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("escapes stored text: a letter's message, body and attributes are shown, never run", async () => {
    const xss = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
    const letter = await db().deadLetter.create({
      data: {
        key: `console-xss/${crypto.randomUUID()}`,
        source: "console-xss",
        eventType: "x.y",
        eventId: `"><svg onload=alert(3)>`,
        body: { payload: { html: xss }, attributes: { note: xss } },
        errorCode: "sqlstate_23514",
        errorMessage: `violates check constraint "${xss}"`,
      },
    });
    const cookie = await session();
    for (const path of [`/console/dead-letters/${letter.id}`, "/console/dead-letters?source=console-xss"]) {
      const html = await (await request(path, { headers: { cookie } })).text();
      expect(html, path).not.toContain("<script>alert");
      expect(html, path).not.toContain("<img src=x");
      expect(html, path).not.toContain("<svg onload");
      expect(html, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  });

  it("says when a rollup's chart is cut at 5,000 rows, and does not when it is not", async () => {
    const source = `console-wide-${crypto.randomUUID().slice(0, 8)}`;
    const at = new Date().toISOString();
    const day = at.slice(0, 10);
    // 5,001 dimension values in one hour: 5,001 rows of one bucket.
    const events: EventMessage[] = Array.from({ length: 5001 }, (_, i) => ({
      v: 1,
      source,
      id: `w-${i}`,
      type: "t",
      occurredAt: at,
      receivedAt: at,
      payload: { k: i },
    }));
    expect((await insertEvents(sql(), events)).written).toBe(5001);
    const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" };
    for (const [name, dimensions] of [
      [`${source.replaceAll("-", "_")}_wide`, { k: "/payload/k" }],
      [`${source.replaceAll("-", "_")}_narrow`, {}],
    ] as const) {
      const put = await request(`/admin/rollups/${name}`, {
        method: "PUT",
        headers: admin,
        body: JSON.stringify({ source, granularity: "hour", dimensions, measures: { n: "count" } }),
      });
      expect(put.status).toBe(201);
    }
    const cookie = await session();
    const page = async (name: string) => {
      const refresh = await request(`/console/rollup-definitions/${name}/refresh`, { method: "POST", headers: { cookie } });
      expect(refresh.status).toBe(303);
      return (await request(`/console/rollup-definitions/${name}?from=${day}&to=${day}&measure=n`, { headers: { cookie } })).text();
    };
    const wide = await page(`${source.replaceAll("-", "_")}_wide`);
    expect(wide).toContain("data-truncated");
    expect(wide).toContain("Only the first 5,000 rows are charted");
    expect(await page(`${source.replaceAll("-", "_")}_narrow`)).not.toContain("data-truncated");
  });
});
