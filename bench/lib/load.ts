// Load generators for bench/ingest: each returns the whole-run rate,
// latency percentiles and status counts of POSTs to one URL.
import autocannon from "autocannon";
import { quantile } from "./events.ts";

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  total: number;
}

export interface LoadSpec {
  url: string;
  connections: number;
  /** A fresh body for every request (new ids). */
  body: () => string;
  /** Headers for the n-th request (keys rotate). */
  headers: (n: number) => Record<string, string>;
}

/** A fixed duration with autocannon. */
export async function timedLoad(spec: LoadSpec, seconds: number): Promise<LoadResult> {
  let n = 0;
  const t0 = performance.now();
  const result = await autocannon({
    url: spec.url,
    method: "POST",
    connections: spec.connections,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, body: spec.body(), headers: { ...req.headers, ...spec.headers(n++) } }) }],
  });
  // Whole-run rate: autocannon's per-second average is meaningless for short runs.
  const elapsed = (performance.now() - t0) / 1000;
  return {
    rps: Math.round(result.requests.total / elapsed),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/**
 * A closed loop of `connections` workers sending exactly `total` requests:
 * autocannon's `amount` mode rounds short runs up to whole seconds, which
 * would hide the rate of a run that must stay small (the local queue limit).
 */
export async function boundedLoad(spec: LoadSpec, total: number): Promise<LoadResult> {
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (sent < total) {
        const n = sent++;
        const t = performance.now();
        const res = await fetch(spec.url, { method: "POST", body: spec.body(), headers: spec.headers(n) });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status >= 200 && res.status < 300) ok++;
        else non2xx++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const pct = (p: number) => Math.round(quantile(latencies, p / 100));
  return { rps: Math.round(total / elapsed), p50: pct(50), p99: pct(99), ok, non2xx, total };
}
