/** Server-rendered SVG bar charts: no script, no library; each bar says its label and value on hover and to screen readers. */
import { barChart } from "./chart-scale.ts";
import { formatCount } from "./format.ts";

const WIDTH = 360;
const HEIGHT = 140;

/** The chart itself: bars over `labels` (missing values count 0), the axis' top and zero, the first and last label. */
function Bars(props: {
  labels: readonly string[];
  values: ReadonlyMap<string, number>;
  ariaLabel: string;
  tone?: "bad";
  /** How a label is written under the axis (the whole label is the bar's title). */
  short?: (label: string) => string;
}) {
  const { bars, top, plot } = barChart(props.labels, props.values, WIDTH, HEIGHT);
  const short = props.short ?? ((l: string) => l);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.ariaLabel}>
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
        {short(props.labels[0] ?? "")}
      </text>
      <text x={plot.left + plot.width} y={HEIGHT - 4} text-anchor="end">
        {short(props.labels.at(-1) ?? "")}
      </text>
    </svg>
  );
}

export function DailyBars(props: { label: string; days: readonly string[]; counts: ReadonlyMap<string, number>; tone?: "bad" }) {
  const total = props.days.reduce((a, d) => a + (props.counts.get(d) ?? 0), 0);
  const most = Math.max(0, ...props.days.map((d) => props.counts.get(d) ?? 0));
  return (
    <figure>
      <figcaption>
        {props.label}: {formatCount(total)} in {props.days.length} days
      </figcaption>
      <Bars
        labels={props.days}
        values={props.counts}
        tone={props.tone}
        ariaLabel={`${props.label}, ${props.days[0] ?? ""} to ${props.days.at(-1) ?? ""}: ${formatCount(total)} in total, at most ${formatCount(most)} a day`}
      />
    </figure>
  );
}

/** Bars over any labelled series (a rollup's buckets, labelled by their start). */
export function SeriesBars(props: { label: string; labels: readonly string[]; values: ReadonlyMap<string, number> }) {
  return (
    <figure data-series>
      <figcaption>
        {props.label}: {props.labels.length} buckets
      </figcaption>
      <Bars
        labels={props.labels}
        values={props.values}
        ariaLabel={`${props.label}, ${props.labels[0] ?? ""} to ${props.labels.at(-1) ?? ""}`}
        short={(l) => l.slice(0, 16)}
      />
    </figure>
  );
}
