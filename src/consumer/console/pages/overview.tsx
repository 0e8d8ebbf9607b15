/** Overview: the stage counters, what waits for an operator, and 30 days of events and dead letters. */

import { Hono } from "hono";
import { pipelineStats } from "../../admin/pipeline-stats.ts";
import { type ConsumerEnv, eventLifecycleConfig } from "../../consumer-env.ts";
import { deadLettersPerDay, eventsPerDayBySource } from "../../db/daily-series.ts";
import { STAGES } from "../../db/read-stats.ts";
import { requestDb } from "../../db/request-database.ts";
import { lastDays } from "../chart-scale.ts";
import { DailyBars } from "../charts.tsx";
import { consolePaths } from "../console-paths.ts";
import { formatAge, formatCount, formatInstant } from "../format.ts";
import { Empty, Layout } from "../layout.tsx";

const CHART_DAYS = 30;
/** Sources beyond this many (by volume) share one chart, so the page stays readable with hundreds of tenants. */
const CHARTED_SOURCES = 6;

/** Each stage as README.md ("Operations") defines it: counted in the statements that do the work. */
const STAGE_LABELS: Record<(typeof STAGES)[number], [string, string]> = {
  accepted: ["Accepted", "first deliveries that reached a committed write"],
  written: ["Written", "new rows in events"],
  duplicates: ["Duplicates", "deliveries of an id already stored"],
  expired: ["Expired", "copies set aside: their receipt day is past retention"],
  retried: ["Retried", "redeliveries that reached a committed write"],
  dead_lettered: ["Dead-lettered", "events that became dead letters"],
  replayed: ["Replayed", "dead letters re-enqueued by a replay"],
};

export const overviewPage = new Hono<{ Bindings: ConsumerEnv }>().get("/", async (c) => {
  const db = requestDb(c);
  const now = new Date();
  const days = lastDays(now.toISOString().slice(0, 10), CHART_DAYS);
  const [stats, perSource, dead] = await Promise.all([
    pipelineStats(db, eventLifecycleConfig(c.env), now),
    eventsPerDayBySource(db, days[0]!),
    deadLettersPerDay(db, days[0]!),
  ]);

  const totals = new Map<string, number>();
  for (const r of perSource) totals.set(r.source, (totals.get(r.source) ?? 0) + r.count);
  const ranked = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const charted = ranked.slice(0, CHARTED_SOURCES);
  const series = new Map<string, Map<string, number>>();
  for (const r of perSource) {
    const name = charted.includes(r.source) ? r.source : "all other sources";
    const s = series.get(name) ?? series.set(name, new Map()).get(name)!;
    s.set(r.day, (s.get(r.day) ?? 0) + r.count);
  }
  const pending = stats.deadLetters.pending ?? 0;
  const lag = stats.ingestLagLastHour;
  const seconds = (v: number | null) => (v === null ? "–" : v < 10 ? `${v.toFixed(2)} s` : `${Math.round(v)} s`);
  const run = stats.lastRollupRun;
  const life = stats.eventLifecycle;

  return c.html(
    <Layout title="Overview" section="overview">
      <h2>Stages</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Counts</th>
            <th scope="col" class="num">
              Today (UTC)
            </th>
            <th scope="col" class="num">
              All time
            </th>
          </tr>
        </thead>
        <tbody>
          {STAGES.map((s) => (
            <tr>
              <th scope="row">{STAGE_LABELS[s][0]}</th>
              <td>{STAGE_LABELS[s][1]}</td>
              <td class="num" data-stage-today={s}>
                {formatCount(stats.today[s])}
              </td>
              <td class="num" data-stage-total={s}>
                {formatCount(stats.stages[s])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Ingest → row lag, last hour</h2>
      <div class="cards">
        <div class="card">
          <div class="n" data-lag-p50>
            {seconds(lag.p50Seconds)}
          </div>
          <div class="l">p50: half the events written were at least this fast</div>
        </div>
        <div class="card">
          <div class="n" data-lag-p99>
            {seconds(lag.p99Seconds)}
          </div>
          <div class="l">
            p99, over {formatCount(lag.events)} events since {formatInstant(lag.since)}
          </div>
        </div>
      </div>

      <h2>Waiting for an operator</h2>
      <div class="cards">
        <a class="card" href={consolePaths.deadLetters("?status=pending")}>
          <div class="n" data-pending-dead-letters>
            {formatCount(pending)}
          </div>
          <div class="l">pending dead letters</div>
        </a>
        <div class="card">
          <div class="n">
            {stats.oldestPendingDeadLetter ? formatAge(now.getTime() - new Date(stats.oldestPendingDeadLetter).getTime()) : "–"}
          </div>
          <div class="l">age of the oldest pending letter</div>
        </div>
        <div class="card">
          <div class="n">{formatCount(stats.pendingRollupDeltas)}</div>
          <div class="l">rollup keys waiting for the cron</div>
        </div>
        <div class="card">
          <div class="n">{run ? run.status : "never"}</div>
          <div class="l">{run ? `last rollup run (${run.kind}), ${formatInstant(run.startedAt)}` : "no rollup run yet"}</div>
        </div>
      </div>

      <h2>Event life cycle</h2>
      <div class="cards" data-event-lifecycle>
        <div class="card">
          <div class="n" data-day-partitions>
            {formatCount(life.dayPartitions)}
          </div>
          <div class="l">
            day partitions kept{life.historyBefore ? `, plus the history (received before ${formatInstant(life.historyBefore)})` : ""}
          </div>
        </div>
        <div class="card">
          <div class="n" data-oldest-kept>
            {life.historyBefore ? "history" : (life.oldestDay ?? "–")}
          </div>
          <div class="l">
            oldest kept{life.expiredBefore ? `; events received before ${formatInstant(life.expiredBefore)} have expired` : ""}
          </div>
        </div>
        <div class="card">
          <div class="n" data-dedupe-window>
            {life.dedupeWindowDays} days
          </div>
          <div class="l">dedupe window: a copy of an event received within it is never written twice</div>
        </div>
        <div class="card">
          <div class="n" data-next-drop>
            {life.nextDropDay ?? "never"}
          </div>
          <div class="l">
            {life.retentionDays === null
              ? "events are kept for ever (EVENT_RETENTION_DAYS unset)"
              : `next drop (retention ${life.retentionDays} days)`}
          </div>
        </div>
      </div>

      <h2>Events per day, last {CHART_DAYS} days (from the rollups)</h2>
      {series.size === 0 ? (
        <Empty>
          No rollups in the last {CHART_DAYS} days. Rollups are counted by the daily cron, or now with a backfill on the Rollups page.
        </Empty>
      ) : (
        <div class="charts">
          {[...series].map(([source, counts]) => (
            <DailyBars label={source} days={days} counts={counts} />
          ))}
        </div>
      )}

      <h2>Dead letters per day of first failure</h2>
      <div class="charts">
        <DailyBars label="dead letters" days={days} counts={new Map(dead.map((d) => [d.day, d.count]))} tone="bad" />
      </div>
    </Layout>,
  );
});
