// The exposition parses with real parsers: the Prometheus text format with
// parse-prometheus-text-format, OpenMetrics with the reference parser of the
// Prometheus Python client (Debian's python3-prometheus-client, which
// .ci/run installs), and says what the snapshot says.
import { execFileSync } from "node:child_process";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { renderMetrics, wantsOpenMetrics } from "../../src/consumer/metrics/exposition.ts";
import { type MetricsSnapshot, metricFamilies } from "../../src/consumer/metrics/metric-families.ts";
import { LAG_BUCKET_BOUNDS_SECONDS } from "../../src/shared/lib/lag-buckets.ts";

const snapshot: MetricsSnapshot = {
  now: new Date("2026-11-29T12:00:00Z"),
  stages: { accepted: 10, written: 9, duplicates: 1, expired: 0, retried: 2, dead_lettered: 1, replayed: 0 },
  deadLetters: { pending: 3, replayed: 1, discarded: 0 },
  pendingByCode: { sqlstate_23514: 2, 'odd "code"\\': 1 },
  oldestPendingDeadLetter: "2026-11-29T11:59:00Z",
  pendingRollupKeys: 4,
  lastRollupRun: { startedAt: "2026-11-29T11:00:00Z", status: "succeeded" },
  lag: { counts: [5, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], sumSeconds: 7300.5 },
  lifecycle: { dayPartitions: 8, maintainedAt: "2026-11-29T00:15:00Z" },
};

/** OpenMetrics text → [{name, type, samples: [[name, labels, value]]}], by prometheus_client's strict parser. */
function parseOpenMetrics(text: string) {
  const script = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse
out = [{"name": f.name, "type": f.type, "samples": [[s.name, s.labels, s.value] for s in f.samples]} for f in parse(sys.stdin.read())]
print(json.dumps(out))`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { input: text, encoding: "utf8" })) as {
    name: string;
    type: string;
    samples: [string, Record<string, string>, number][];
  }[];
}

describe("GET /metrics exposition", () => {
  it("is valid OpenMetrics 1.0, by the reference parser, and carries the snapshot", () => {
    const families = parseOpenMetrics(renderMetrics(metricFamilies(snapshot), "openmetrics"));
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get("eventline_events")).toMatchObject({ type: "counter" });
    expect(byName.get("eventline_events")!.samples).toContainEqual(["eventline_events_total", { stage: "accepted" }, 10]);
    expect(byName.get("eventline_dead_letters_pending_by_code")!.samples).toContainEqual([
      "eventline_dead_letters_pending_by_code",
      { code: 'odd "code"\\' },
      1,
    ]);
    expect(byName.get("eventline_oldest_pending_dead_letter_age_seconds")!.samples[0]![2]).toBe(60);
    const lag = byName.get("eventline_ingest_lag_seconds")!;
    expect(lag.type).toBe("histogram");
    const bucket = (le: string) => lag.samples.find((s) => s[0] === "eventline_ingest_lag_seconds_bucket" && s[1].le === le)![2];
    expect(bucket(String(LAG_BUCKET_BOUNDS_SECONDS[0]))).toBe(5);
    expect(bucket("0.5")).toBe(6);
    expect(bucket("1.0")).toBe(6);
    expect(bucket("3600.0")).toBe(6);
    expect(bucket("+Inf")).toBe(8);
    expect(lag.samples.find((s) => s[0] === "eventline_ingest_lag_seconds_sum")![2]).toBe(7300.5);
  });

  it("is valid Prometheus text 0.0.4 for scrapers that do not ask for OpenMetrics", () => {
    const families = parsePrometheusTextFormat(renderMetrics(metricFamilies(snapshot), "prometheus")) as {
      name: string;
      type: string;
      metrics: { labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }[];
    }[];
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get("eventline_events_total")!.type).toBe("COUNTER");
    expect(byName.get("eventline_events_total")!.metrics).toContainEqual({ labels: { stage: "written" }, value: "9" });
    const lag = byName.get("eventline_ingest_lag_seconds")!;
    expect(lag.type).toBe("HISTOGRAM");
    expect(lag.metrics[0]!.count).toBe("8");
    expect(lag.metrics[0]!.buckets!["+Inf"]).toBe("8");
  });

  it("answers OpenMetrics only to a scraper that asks for it", () => {
    expect(wantsOpenMetrics("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")).toBe(true);
    expect(wantsOpenMetrics("text/plain")).toBe(false);
    // q=0 refuses a type outright (RFC 9110), and a higher q for plain text wins.
    expect(wantsOpenMetrics("application/openmetrics-text;q=0, text/plain")).toBe(false);
    expect(wantsOpenMetrics("application/openmetrics-text;q=0.2, text/plain;q=0.8")).toBe(false);
    expect(
      wantsOpenMetrics(
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
      ),
    ).toBe(true);
    expect(wantsOpenMetrics("*/*")).toBe(false);
    expect(wantsOpenMetrics(undefined)).toBe(false);
  });

  it("leaves the last rollup run's age out before the first run, and reports no oldest letter as 0", () => {
    const text = renderMetrics(metricFamilies({ ...snapshot, lastRollupRun: null, oldestPendingDeadLetter: null }), "openmetrics");
    const families = parseOpenMetrics(text);
    expect(families.find((f) => f.name === "eventline_last_rollup_run_age_seconds")!.samples).toEqual([]);
    expect(families.find((f) => f.name === "eventline_oldest_pending_dead_letter_age_seconds")!.samples[0]![2]).toBe(0);
  });

  it("shows the events' life cycle: partitions kept, rows waiting for one, and the age of the last maintenance", () => {
    const families = parseOpenMetrics(renderMetrics(metricFamilies(snapshot), "openmetrics"));
    const value = (name: string) => families.find((f) => f.name === name)!.samples[0]![2];
    expect(value("eventline_event_day_partitions")).toBe(8);
    expect(value("eventline_event_maintenance_age_seconds")).toBe(11.75 * 3600);
    const before = parseOpenMetrics(
      renderMetrics(metricFamilies({ ...snapshot, lifecycle: { ...snapshot.lifecycle, maintainedAt: null } }), "openmetrics"),
    );
    expect(before.find((f) => f.name === "eventline_event_maintenance_age_seconds")!.samples).toEqual([]);
  });
});
