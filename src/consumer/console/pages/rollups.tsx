/** Rollups per source, type and day for a range, and a backfill that follows `nextFrom` to the end with a progress bar. */

import { Hono } from "hono";
import * as z from "zod/mini";
import { eventType, sourceName, utcDay } from "../../../shared/events/fields.ts";
import { parseOrThrow, validate } from "../../../shared/http/validate.ts";
import { DAY_MS } from "../../../shared/lib/time.ts";
import type { ConsumerEnv } from "../../consumer-env.ts";
import { rollupTable } from "../../db/list-rollups.ts";
import { requestDb } from "../../db/request-database.ts";
import { backfillRequestSchema } from "../../rollups/backfill-range.ts";
import { runBackfillRequest } from "../../rollups/run-backfill.ts";
import { runRollup } from "../../rollups/run-rollup.ts";
import { consolePaths } from "../console-paths.ts";
import { formatCount, formatInstant } from "../format.ts";
import { Empty, Layout } from "../layout.tsx";
import { CONSOLE_BUDGET_MS } from "./replay.tsx";

/** Rows shown at once; narrow the range or pick a source for more. */
const MAX_ROWS = 1000;

const tableQuery = z.object({ from: utcDay, to: utcDay, source: z.optional(sourceName), type: z.optional(eventType) });

const nonEmpty = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === "string" && v !== ""));

function BackfillForm(props: { from: string; to: string; source?: string; type?: string }) {
  return (
    <form method="post" action={consolePaths.rollupsBackfill} data-backfill={consolePaths.rollupsBackfillJson} class="filters">
      <label>
        From (UTC day)
        <input type="date" name="from" value={props.from} required />
      </label>
      <label>
        To, inclusive
        <input type="date" name="to" value={props.to} required />
      </label>
      <label>
        Source (all when empty)
        <input name="source" value={props.source} />
      </label>
      <label>
        Type (all when empty)
        <input name="type" value={props.type} />
      </label>
      <button type="submit">Recompute from events</button>
    </form>
  );
}

function BackfillProgress() {
  return (
    <div data-backfill-progress hidden>
      <label>
        Backfill progress
        <progress max={1} value={0} />
      </label>
      <p>
        <span data-field="status">starting</span> — <span data-field="keys">0</span> keys, <span data-field="rows">0</span> rows so far
      </p>
    </div>
  );
}

export const rollupsPage = new Hono<{ Bindings: ConsumerEnv }>()
  .get("/", async (c) => {
    const today = new Date().toISOString().slice(0, 10);
    const raw = nonEmpty(c.req.query());
    const q = parseOrThrow("query", tableQuery, { from: new Date(Date.now() - 6 * DAY_MS).toISOString().slice(0, 10), to: today, ...raw });
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    const rows = await rollupTable(requestDb(c), { from: day(q.from), to: day(q.to), source: q.source, type: q.type, limit: MAX_ROWS });
    return c.html(
      <Layout title="Rollups" section="rollups">
        <form class="filters" method="get" action={consolePaths.rollups()}>
          <label>
            From (UTC day)
            <input type="date" name="from" value={q.from} />
          </label>
          <label>
            To, inclusive
            <input type="date" name="to" value={q.to} />
          </label>
          <label>
            Source
            <input name="source" value={q.source} />
          </label>
          <label>
            Type
            <input name="type" value={q.type} />
          </label>
          <button type="submit">Show</button>
        </form>
        {rows.length === 0 ? (
          <Empty>No rollups in this range. The daily cron counts yesterday's events; a backfill below counts any range now.</Empty>
        ) : (
          <table data-rollups>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Source</th>
                <th scope="col">Type</th>
                <th scope="col" class="num">
                  Events
                </th>
                <th scope="col">First</th>
                <th scope="col">Last</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{r.day.toISOString().slice(0, 10)}</td>
                  <td>{r.source}</td>
                  <td>{r.type}</td>
                  <td class="num">{formatCount(r.count)}</td>
                  <td>{formatInstant(r.firstOccurredAt)}</td>
                  <td>{formatInstant(r.lastOccurredAt)}</td>
                  <td>{formatInstant(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {rows.length === MAX_ROWS && <p class="notice">Showing the first {MAX_ROWS} rows; narrow the range or choose a source.</p>}
        <h2>Run the rollup now</h2>
        <p>
          Applies what the consumers counted since the last run (the daily cron does this): recent events appear in the table after a run.
        </p>
        <form method="post" action={consolePaths.rollupsRun}>
          <button type="submit">Run the rollup now</button>
        </form>
        <h2>Backfill</h2>
        <p>
          Recomputes the rollups of a range from the events table (e.g. after a restore or an import). Safe to run at any time; events whose
          counts are still waiting for a rollup run appear after the next run.
        </p>
        <BackfillForm from={q.from} to={q.to} source={q.source} type={q.type} />
        <BackfillProgress />
      </Layout>,
    );
  })
  .post("/backfill", async (c) => {
    const r = parseOrThrow("form", backfillRequestSchema, nonEmpty(await c.req.parseBody()));
    const report = await runBackfillRequest(requestDb(c), r, CONSOLE_BUDGET_MS);
    return c.html(
      <Layout title="Backfill" section="rollups">
        <p data-backfill-result>
          {report.complete ? "Complete" : `Recomputed up to ${report.nextFrom}`}: {formatCount(report.keysDone)} keys,{" "}
          {formatCount(report.rows)} rows.
        </p>
        {report.nextFrom && <BackfillForm from={report.nextFrom} to={r.to} source={r.source} type={r.type} />}
        <BackfillProgress />
        <p>
          <a href={consolePaths.rollups(`?from=${r.from}&to=${r.to}`)}>See the rollups</a>
        </p>
      </Layout>,
    );
  })
  .post("/run", async (c) => {
    const report = await runRollup(requestDb(c), { kind: "manual", budgetMs: CONSOLE_BUDGET_MS });
    return c.html(
      <Layout title="Rollup run" section="rollups">
        <p data-rollup-run>
          {report.complete ? "Complete" : "Stopped at the time budget; run it again for the rest"}: {formatCount(report.deltas)} delta rows
          applied, {formatCount(report.rows)} rollup rows written, {formatCount(report.remaining)} keys still pending.
        </p>
        <p>
          <a href={consolePaths.rollups()}>See the rollups</a>
        </p>
      </Layout>,
    );
  })
  // The page's script follows a backfill here; the request is validated exactly as POST /admin/rollups/backfill's.
  .post("/backfill.json", validate("json", backfillRequestSchema), async (c) =>
    c.json(await runBackfillRequest(requestDb(c), c.req.valid("json"), CONSOLE_BUDGET_MS)),
  );
