// fetch handler, GET /metrics, integration style through the Worker's entry:
// who may scrape, which format answers, and that counters and the lag
// histogram only go up as events are written (the real local database).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contractChecked } from "../support/contract.ts";
import { TEST_ADMIN_TOKEN, TEST_KEYS, TEST_METRICS_TOKEN } from "../support/credentials.ts";
import { batchOf, deliver, event, text } from "../support/queue-batches.ts";
import { uniq } from "../support/worker-db.ts";

const fetchChecked = contractChecked("consumer", (r) => exports.default.fetch(r));
const scrape = (token?: string, accept = "application/openmetrics-text; version=1.0.0") =>
  fetchChecked(
    new Request("http://eventline.test/metrics", { headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) } }),
  );

/** Every sample line as name{labels} → value. */
async function samples(res: Response): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe("GET /metrics", () => {
  it("takes the metrics token or the admin token, and nothing else", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("evlm_wrong")).status).toBe(401);
    expect((await scrape(TEST_KEYS.tenantA)).status).toBe(401);
    expect((await scrape(TEST_METRICS_TOKEN)).status).toBe(200);
    expect((await scrape(TEST_ADMIN_TOKEN)).status).toBe(200);
  });

  it("answers OpenMetrics when asked, Prometheus text otherwise", async () => {
    const om = await scrape(TEST_METRICS_TOKEN);
    expect(om.headers.get("content-type")).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect((await om.text()).trimEnd().endsWith("# EOF")).toBe(true);
    const prom = await scrape(TEST_METRICS_TOKEN, "text/plain");
    expect(prom.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await prom.text()).not.toContain("# EOF");
    // q=0 refuses OpenMetrics outright.
    const refused = await scrape(TEST_METRICS_TOKEN, "application/openmetrics-text;q=0, text/plain");
    expect(refused.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await refused.text()).not.toContain("# EOF");
  });

  it("only goes up across scrapes: written events add to the counters and to the lag histogram", async () => {
    const before = await samples(await scrape(TEST_METRICS_TOKEN));
    const source = uniq("metrics");
    const events = Array.from({ length: 7 }, () => event(source, { receivedAt: new Date(Date.now() - 2_000).toISOString() }));
    expect((await deliver(batchOf(events.map(text)))).explicitAcks).toHaveLength(7);
    const after = await samples(await scrape(TEST_METRICS_TOKEN));
    for (const [name, value] of before) {
      if (name.startsWith("eventline_events_total") || name.startsWith("eventline_ingest_lag_seconds_"))
        expect(after.get(name), name).toBeGreaterThanOrEqual(value);
    }
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('eventline_events_total{stage="written"}')).toBeGreaterThanOrEqual(7);
    expect(delta("eventline_ingest_lag_seconds_count")).toBeGreaterThanOrEqual(7);
    // Received 2 s before the write: none of them is under a second.
    expect(delta('eventline_ingest_lag_seconds_bucket{le="1.0"}')).toBeLessThan(delta("eventline_ingest_lag_seconds_count"));
  });
});
