/** Server-rendered SVG bar charts: no script, no library; each bar says its day and count on hover and to screen readers. */
import { barChart } from "./chart-scale.ts";
import { formatCount } from "./format.ts";

const WIDTH = 360;
const HEIGHT = 140;

export function DailyBars(props: { label: string; days: readonly string[]; counts: ReadonlyMap<string, number>; tone?: "bad" }) {
  const { bars, top, plot } = barChart(props.days, props.counts, WIDTH, HEIGHT);
  const total = bars.reduce((a, b) => a + b.count, 0);
  const first = props.days[0] ?? "";
  const last = props.days.at(-1) ?? "";
  return (
    <figure>
      <figcaption>
        {props.label}: {formatCount(total)} in {props.days.length} days
      </figcaption>
      <svg
        class="chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${props.label}, ${first} to ${last}: ${formatCount(total)} in total, at most ${formatCount(Math.max(0, ...bars.map((b) => b.count)))} a day`}
      >
        <line x1={plot.left} x2={plot.left + plot.width} y1={plot.top} y2={plot.top} />
        <line x1={plot.left} x2={plot.left + plot.width} y1={plot.top + plot.height} y2={plot.top + plot.height} />
        <text x={plot.left - 4} y={plot.top + 4} text-anchor="end">
          {formatCount(top)}
        </text>
        <text x={plot.left - 4} y={plot.top + plot.height} text-anchor="end">
          0
        </text>
        {bars.map((b) => (
          <rect class={props.tone === "bad" ? "bar bad" : "bar"} x={b.x} y={b.y} width={b.width} height={b.height}>
            <title>{`${b.day}: ${formatCount(b.count)}`}</title>
          </rect>
        ))}
        <text x={plot.left} y={HEIGHT - 4}>
          {first}
        </text>
        <text x={plot.left + plot.width} y={HEIGHT - 4} text-anchor="end">
          {last}
        </text>
      </svg>
    </figure>
  );
}

/** Bars over any labelled series (a rollup's buckets), each bar titled with its label and value. */
export function SeriesBars(props: { label: string; labels: readonly string[]; values: ReadonlyMap<string, number> }) {
  const { bars, top, plot } = barChart(props.labels, props.values, WIDTH, HEIGHT);
  const first = props.labels[0] ?? "";
  const last = props.labels.at(-1) ?? "";
  return (
    <figure data-series>
      <figcaption>
        {props.label}: {props.labels.length} buckets
      </figcaption>
      <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${props.label}, ${first} to ${last}`}>
        <line x1={plot.left} x2={plot.left + plot.width} y1={plot.top} y2={plot.top} />
        <line x1={plot.left} x2={plot.left + plot.width} y1={plot.top + plot.height} y2={plot.top + plot.height} />
        <text x={plot.left - 4} y={plot.top + 4} text-anchor="end">
          {formatCount(top)}
        </text>
        <text x={plot.left - 4} y={plot.top + plot.height} text-anchor="end">
          0
        </text>
        {bars.map((b) => (
          <rect class="bar" x={b.x} y={b.y} width={b.width} height={b.height}>
            <title>{`${b.day}: ${b.count}`}</title>
          </rect>
        ))}
        <text x={plot.left} y={HEIGHT - 4}>
          {first.slice(0, 16)}
        </text>
        <text x={plot.left + plot.width} y={HEIGHT - 4} text-anchor="end">
          {last.slice(0, 16)}
        </text>
      </svg>
    </figure>
  );
}
