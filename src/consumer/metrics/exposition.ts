/**
 * Metric families rendered for scrapers: OpenMetrics 1.0 text (what
 * Prometheus asks for first) or the Prometheus text format 0.0.4 (anything
 * else). One model, two spellings; the differences are the counter's name in
 * TYPE lines, UNIT lines and the closing `# EOF`. Pure.
 */
import { parseAccept } from "hono/utils/accept";

export type Labels = Record<string, string>;

export type MetricFamily =
  | { type: "counter" | "gauge"; name: string; help: string; unit?: string; samples: { labels?: Labels; value: number }[] }
  | {
      type: "histogram";
      name: string;
      help: string;
      unit?: string;
      /** Cumulative counts at each upper bound, ascending; +Inf is added from `count`. */
      buckets: { le: number; count: number }[];
      count: number;
      sum: number;
    };

export const OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * What a scraper's Accept header asks for, by its q-values (RFC 9110): OpenMetrics when
 * it is acceptable (q > 0) and preferred at least as much as plain text; `q=0` refuses it.
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = parseAccept(accept);
  const best = (types: string[]) => Math.max(0, ...ranges.filter((r) => types.includes(r.type.toLowerCase())).map((r) => r.q));
  const openMetrics = best(["application/openmetrics-text"]);
  return openMetrics > 0 && openMetrics >= best(["text/plain", "text/*", "*/*"]);
}

const escapeLabel = (v: string) => v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
const escapeHelp = (v: string) => v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");

function labelText(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
}

function number(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

export function renderMetrics(families: readonly MetricFamily[], format: "openmetrics" | "prometheus"): string {
  const om = format === "openmetrics";
  const lines: string[] = [];
  for (const f of families) {
    // OpenMetrics names the family without _total; Prometheus 0.0.4 names it as its samples are named.
    const family = f.type === "counter" && !om ? `${f.name}_total` : f.name;
    lines.push(`# TYPE ${family} ${f.type}`);
    if (om && f.unit) lines.push(`# UNIT ${family} ${f.unit}`);
    lines.push(`# HELP ${family} ${escapeHelp(f.help)}`);
    if (f.type === "histogram") {
      // Bounds as canonical floats ("1.0", not "1"), as OpenMetrics asks.
      for (const b of f.buckets)
        lines.push(`${f.name}_bucket{le="${Number.isInteger(b.le) ? b.le.toFixed(1) : number(b.le)}"} ${number(b.count)}`);
      lines.push(`${f.name}_bucket{le="+Inf"} ${number(f.count)}`);
      lines.push(`${f.name}_count ${number(f.count)}`);
      lines.push(`${f.name}_sum ${number(f.sum)}`);
    } else {
      const sample = f.type === "counter" ? `${f.name}_total` : f.name;
      for (const s of f.samples) lines.push(`${sample}${labelText(s.labels)} ${number(s.value)}`);
    }
  }
  if (om) lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
