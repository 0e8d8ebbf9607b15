// The operator console in a real browser (Debian's chromium through
// playwright-core) against the stack `npm run dev` starts: log in, see the
// overview match what was sent, find a dead letter made by a real failing
// event, dry-run and replay it until it is a row, discard another, look an
// event up, run a backfill, log out — with axe-core on every page and text
// that would run script if it were not escaped. Screenshots of each page go to
// CONSOLE_SCREENSHOTS (default test-results/console; `npm run screenshots`
// refreshes the README's in docs/screenshots).
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Eventline } from "@eventline/client";
import axe from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../scripts/local-stack/start-local-stack.ts";
import { type E2eStack, startE2eStack } from "../support/e2e-stack.ts";
import { eventually } from "../support/eventually.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? "test-results/console";
/** Each text would run script (and set window.__xss) if the console inserted it as HTML. */
const XSS = {
  payload: `<script>window.__xss = "payload"</script>`,
  attribute: `<img src=x onerror="window.__xss = 'attribute'">`,
  constraint: `<img src=x onerror="window.__xss = 'message'">`,
};

let e2e: E2eStack;
let stack: LocalStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  [e2e, browser] = await Promise.all([
    startE2eStack("console"),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // This machine has no network but loopback: keep Chromium from trying (its refused connections are noise, and load).
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
    }),
  ]);
  stack = e2e.stack;
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
});

/** axe-core on the current page: no serious or critical violation. Evaluated over the DevTools protocol, which the page's CSP does not govern. */
async function checkAccessibility(name: string) {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    // Runs in the page: its globals, not Node's.
    const inPage = globalThis as unknown as { axe: typeof axe; document: Parameters<typeof axe.run>[0] };
    const result = await inPage.axe.run(inPage.document);
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
  });
  expect(violations, `${name}: accessibility`).toEqual([]);
}

async function visit(name: string) {
  await checkAccessibility(name);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  expect(await page.evaluate(() => (globalThis as { __xss?: string }).__xss), `${name}: script from data ran`).toBeUndefined();
}

/** Waits (the pages update by script, the pipeline asynchronously) until the element's text is, or contains, what is expected. */
async function expectText(selector: string, expected: string, how: "is" | "contains" = "is", reload = false) {
  const element = page.locator(selector).first();
  const read = async () => {
    // A navigation still under way (a form just posted) would detach the page from under a reload: let it finish first.
    if (reload) {
      await page.waitForLoadState("load");
      await page.reload({ waitUntil: "load" });
    }
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node: innerText is the text a person sees.
    return (await element.count()) ? (await element.innerText()).trim() : "";
  };
  const ok = (t: string) => (how === "is" ? t === expected : t.includes(expected));
  const text = await eventually(read, ok, 60_000, reload ? 500 : 100);
  expect(text, selector).toSatisfy(ok);
}

describe("operator console in a browser", () => {
  it("runs an operator's whole day", async () => {
    const { sql } = e2e;
    const url = (path: string) => `${stack.opsUrl}${path}`;
    const run = Date.now().toString(36);

    // Events: some that land, and some the database refuses (a constraint whose name is hostile markup).
    await sql(`ALTER TABLE events ADD CONSTRAINT "${XSS.constraint.replaceAll('"', '""')}" CHECK (type <> 'console.fail')`);
    const client = new Eventline({ url: stack.ingestUrl, apiKey: stack.secrets.apiKey });
    const outcomes = await client.send([
      ...Array.from({ length: 7 }, (_, i) => ({ id: `${run}-ok-${i}`, type: "console.ok", payload: { i } })),
      { id: `${run}-fail-1`, type: "console.fail", payload: { html: XSS.payload } },
      { id: `${run}-fail-2`, type: "console.fail", payload: { n: 2 } },
    ]);
    await client.close();
    expect(outcomes.every((o) => o.status === "accepted")).toBe(true);
    const ce = await fetch(`${stack.ingestUrl}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json", authorization: `Bearer ${stack.secrets.apiKey}` },
      body: JSON.stringify({
        specversion: "1.0",
        id: `${run}-fail-ce`,
        source: "urn:test",
        type: "console.fail",
        note: XSS.attribute,
        data: { ok: false },
      }),
    });
    expect(ce.status).toBe(202);
    await eventually(
      () => sql("SELECT count(*)::int AS n FROM dead_letters WHERE event_id LIKE $1", [`${run}-fail-%`]),
      (r) => r[0].n === 3,
      60_000,
      250,
    );

    // Log in: not with an ingest key; with the admin token.
    await page.goto(url("/console"));
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await visit("login");
    await page.getByLabel("Admin token").fill(stack.secrets.apiKey);
    await page.getByRole("button", { name: "Log in" }).click();
    await expectText("[role=alert]", "ingest API key", "contains");
    await page.getByLabel("Admin token").fill(stack.secrets.adminToken);
    await page.getByRole("button", { name: "Log in" }).click();
    expect(new URL(page.url()).pathname).toBe("/console");

    // The overview counts what was sent: of 10 events, 7 written (first deliveries that reached a write) and 3 dead-lettered.
    await expectText("[data-stage-total=written]", "7", "is", true);
    await expectText("[data-stage-total=accepted]", "7");
    await expectText("[data-stage-total=dead_lettered]", "3", "is", true);
    await expectText("[data-pending-dead-letters]", "3");
    await visit("overview");

    // Dead letters, filtered by the code in the URL.
    await page.getByRole("navigation").getByRole("link", { name: "Dead letters" }).click();
    await page.getByLabel("Error code").fill("sqlstate_23514");
    await page.getByRole("button", { name: "Filter" }).click();
    expect(new URL(page.url()).searchParams.get("code")).toBe("sqlstate_23514");
    await expectText("[data-total]", "3");
    await visit("dead-letters");

    // The letter's page shows the hostile texts as text.
    await page.getByRole("link", { name: `${run}-fail-ce` }).click();
    await expectText("[data-error-message]", XSS.constraint, "contains");
    await expectText("[data-body]", JSON.stringify(XSS.attribute), "contains");
    expect(await page.locator("img[src=x]").count()).toBe(0);
    await visit("dead-letter");
    await page.goBack();
    await page.getByRole("link", { name: `${run}-fail-1` }).click();
    await expectText("[data-body]", JSON.stringify(XSS.payload), "contains");
    await visit("dead-letter-payload");

    // Fix the database, dry-run the replay of this letter, confirm, and follow the job until the event is a row.
    await sql(`ALTER TABLE events DROP CONSTRAINT "${XSS.constraint.replaceAll('"', '""')}"`);
    await page.getByRole("button", { name: "Replay (dry run first)" }).click();
    await expectText("[data-dry-run-count]", "1");
    await visit("replay-dry-run");
    await page.getByRole("button", { name: "Replay 1 letter" }).click();
    await expectText("[data-field=status]", "succeeded");
    await expectText("[data-field=enqueued]", "1");
    await visit("replay-job");
    const rows = await eventually(
      () => sql("SELECT payload FROM events WHERE id = $1", [`${run}-fail-1`]),
      (r) => r.length === 1,
      60_000,
      250,
    );
    expect(rows[0].payload).toEqual({ html: XSS.payload });

    // Discard another, with a reason.
    await page.goto(url(`/console/dead-letters?code=sqlstate_23514&status=pending`));
    await page.getByRole("checkbox", { name: `Select letter ${run}-fail-2` }).check();
    await page.getByLabel("Reason to discard", { exact: true }).fill("test data, not needed");
    await page.getByRole("button", { name: "Discard selected" }).click();
    await expectText("[data-discarded]", "Discarded 1 dead letter.", "contains");
    await visit("discarded");
    const [discarded] = await sql("SELECT status, discard_reason FROM dead_letters WHERE event_id = $1", [`${run}-fail-2`]);
    expect(discarded).toEqual({ status: "discarded", discard_reason: "test data, not needed" });

    // Event lookup: the replayed event is stored; one never sent is not.
    await page.getByRole("navigation").getByRole("link", { name: "Event lookup" }).click();
    await page.getByLabel("Source").fill(stack.secrets.source);
    await page.getByLabel("Event id").fill(`${run}-fail-1`);
    await page.getByRole("button", { name: "Look up" }).click();
    await page.locator("[data-lookup-result=stored]").waitFor();
    await visit("event-lookup");
    await page.getByLabel("Event id").fill(`${run}-never-sent`);
    await page.getByRole("button", { name: "Look up" }).click();
    await page.locator("[data-lookup-result=not-stored]").waitFor();

    // Rollups: a backfill of today, followed to the end by the page's script, then the table has today's counts.
    const today = new Date().toISOString().slice(0, 10);
    await page.goto(url(`/console/rollups?from=${today}&to=${today}`));
    await page.getByRole("button", { name: "Recompute from events" }).click();
    await expectText("[data-backfill-progress] [data-field=status]", "complete");
    // Today's counts still wait in the consumers' deltas (a backfill nets them out): apply them now.
    await page.getByRole("button", { name: "Run the rollup now" }).click();
    await expectText("[data-rollup-run]", "Complete", "contains");
    await visit("rollup-run");
    await page.goto(url(`/console/rollups?from=${today}&to=${today}&source=${stack.secrets.source}`));
    const okRow = page.locator("[data-rollups] tbody tr").filter({ hasText: "console.ok" });
    // biome-ignore lint/performance/useDomNodeTextContent: as above, the rendered text.
    expect(await okRow.locator("td.num").innerText()).toBe("7");
    await visit("rollups");

    // Defined rollups: one defined through the API, listed, refreshed from its page, charted.
    const defined = await fetch(`${stack.opsUrl}/admin/rollups/console_ok_daily`, {
      method: "PUT",
      headers: { authorization: `Bearer ${stack.secrets.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        source: stack.secrets.source,
        type: "console.ok",
        granularity: "day",
        timeZone: "Europe/Berlin",
        measures: { events: "count" },
      }),
    });
    expect(defined.status).toBe(201);
    await page.goto(url("/console/rollup-definitions"));
    await expectText("[data-definitions] tbody tr [data-state]", "backfilling");
    await visit("rollup-definitions");
    await page.getByRole("link", { name: "console_ok_daily" }).click();
    await page.getByRole("button", { name: "Refresh now" }).click();
    await expectText("[data-state]", "current", "is", true);
    // A bar per local day of the last week, empty ones too; today's holds the 7 events. (An SVG <title>:
    // its text content is the bar's tooltip and accessible name.)
    const bars = await page.locator("[data-series] rect title").allTextContents();
    expect(bars).toHaveLength(7);
    expect(bars.filter((t) => t.endsWith(": 7"))).toHaveLength(1);
    expect(bars.filter((t) => t.endsWith(": 0"))).toHaveLength(6);
    await visit("rollup-definition");

    // Log out: the console is closed again.
    await page.getByRole("button", { name: "Log out" }).click();
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await page.goto(url("/console/dead-letters"));
    expect(new URL(page.url()).pathname).toBe("/console/login");
  });
});
