// The operator console's edge in workerd: login and the session cookie,
// same-origin POSTs, security headers, and escaping of stored text. (The
// whole flow in a real browser is console.browser.e2e.test.ts.)
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, TEST_KEYS } from "../support/credentials.ts";
import { db } from "../support/worker-db.ts";

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
    const forged = `${name}=${value!.replace(/^v1\.\d+/, "v1.99999999999")}`;
    expect((await request("/console", { headers: { cookie: forged } })).status).toBe(303);
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
});
