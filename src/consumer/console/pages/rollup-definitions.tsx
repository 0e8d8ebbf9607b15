/**
 * Rollups users define: every definition with its state, and one
 * definition's page with a chart of a measure over a range of local days
 * (filtered by dimension values), and a refresh that does now what the cron
 * does. Definitions themselves are written through the API or
 * `npm run ops -- rollups apply` (kept in git), not here.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import { ApiError } from "../../../shared/errors/api-error.ts";
import { utcDay } from "../../../shared/events/fields.ts";
import { parseOrThrow } from "../../../shared/http/validate.ts";
import { DAY_MS } from "../../../shared/lib/time.ts";
import type { ConsumerEnv } from "../../consumer-env.ts";
import { requestDatabase, requestDb } from "../../db/request-database.ts";
import { localMidnight, readCells } from "../../db/rollup-definitions/read-cells.ts";
import { readDefinitions } from "../../db/rollup-definitions/read-definitions.ts";
import { findDefinition } from "../../rollups/find-definition.ts";
import { refreshDefinitions } from "../../rollups/refresh-definitions.ts";
import { dataRow } from "../../rollups/user-defined/data-rows.ts";
import type { RollupDefinition } from "../../rollups/user-defined/definition-schema.ts";
import { bucketLabels, seriesOf } from "../../rollups/user-defined/series.ts";
import { formatInZone } from "../../rollups/user-defined/zoned-time.ts";
import { SeriesBars } from "../charts.tsx";
import { consolePaths } from "../console-paths.ts";
import { formatCount, formatInstant } from "../format.ts";
import { Empty, Layout } from "../layout.tsx";
import { CONSOLE_BUDGET_MS } from "./replay.tsx";

/** Rows read for a chart at most (a week of hours is 168 buckets), and the longest range. */
const MAX_ROWS = 5_000;
const MAX_DAYS = 92;

const rangeQuery = z.object({ from: utcDay, to: utcDay, measure: z.optional(z.string()) });

export const rollupDefinitionsPage = new Hono<{ Bindings: ConsumerEnv }>()
  .get("/", async (c) => {
    const all = await readDefinitions(requestDb(c));
    return c.html(
      <Layout title="Defined rollups" section="rollup-definitions">
        {all.length === 0 ? (
          <Empty>
            No rollup is defined yet. Define one with PUT /admin/rollups/&lt;name&gt; or <code>npm run ops -- rollups apply file.json</code>{" "}
            (docs/api.md).
          </Empty>
        ) : (
          <table data-definitions>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Buckets</th>
                <th scope="col">State</th>
                <th scope="col" class="num">
                  Rows
                </th>
                <th scope="col" class="num">
                  Skipped
                </th>
                <th scope="col">Covered from</th>
                <th scope="col">Last run</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {all.map((d) => {
                const def = d.definition as RollupDefinition;
                return (
                  <tr>
                    <td>
                      <a href={consolePaths.definition(d.name)}>{d.name}</a>
                    </td>
                    <td>
                      {def.granularity}, {def.timeZone}
                    </td>
                    <td data-state>{d.state}</td>
                    <td class="num">{formatCount(d.rows)}</td>
                    <td class="num">{formatCount(d.skipped)}</td>
                    <td>{formatInstant(d.coveredFrom)}</td>
                    <td>{formatInstant(d.lastRunAt)}</td>
                    <td data-last-error>{d.lastError ? `${formatInstant(d.lastErrorAt)}: ${d.lastError}` : ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  })
  .get("/:name", async (c) => {
    const d = await findDefinition(c, c.req.param("name"));
    const def = d.definition as RollupDefinition;
    // The last seven local days in the definition's zone, today included.
    const today = formatInZone(new Date(), def.timeZone).slice(0, 10);
    const q = parseOrThrow("query", rangeQuery, {
      from: new Date(Date.parse(today) - 6 * DAY_MS).toISOString().slice(0, 10),
      to: today,
      ...Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== "")),
    });
    const measures = Object.keys(def.measures);
    const measure = q.measure !== undefined && measures.includes(q.measure) ? q.measure : measures[0]!;
    const dims = Object.keys(def.dimensions);
    const db = requestDb(c);
    const from = await localMidnight(db, q.from, def.timeZone);
    const to = await localMidnight(db, new Date(Date.parse(q.to) + DAY_MS).toISOString().slice(0, 10), def.timeZone);
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS || to <= from) {
      throw new ApiError(400, "invalid_request", `query.to: choose 1 to ${MAX_DAYS} days, from first to last`, { details: { path: "to" } });
    }
    const cells = await readCells(db, {
      cellsId: d.cellsId,
      from,
      to,
      filters: dims.map((k) => c.req.query(k) || null),
      limit: MAX_ROWS + 1,
    });
    // Rows come in bucket order: past MAX_ROWS, the chart ends early, and says so.
    const truncated = cells.length > MAX_ROWS;
    const rows = cells.slice(0, MAX_ROWS).map((cell) => dataRow(def, cell));
    const series = seriesOf(def, rows, measure, bucketLabels(from, to, def.granularity, def.timeZone));
    return c.html(
      <Layout title={`Rollup ${d.name}`} section="rollup-definitions">
        <p>
          State <strong data-state>{d.state}</strong>, version {d.version}; {formatCount(d.rows)} rows; last run{" "}
          {formatInstant(d.lastRunAt)}; covers events received from {formatInstant(d.coveredFrom)}.
        </p>
        {d.lastError && (
          <p class="notice" data-last-error>
            The last step failed at {formatInstant(d.lastErrorAt)}: {d.lastError}. The cron tries again at its next run.
          </p>
        )}
        <pre data-definition>{JSON.stringify(def, null, 2)}</pre>
        <form class="filters" method="get" action={consolePaths.definition(d.name)}>
          <label>
            Measure
            <select name="measure">
              {measures.map((m) => (
                <option value={m} selected={m === measure}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <label>
            From (local day in {def.timeZone})
            <input type="date" name="from" value={q.from} />
          </label>
          <label>
            To, inclusive
            <input type="date" name="to" value={q.to} />
          </label>
          {dims.map((k) => (
            <label>
              {k}
              <input name={k} value={c.req.query(k) ?? ""} />
            </label>
          ))}
          <button type="submit">Show</button>
        </form>
        {series.values.size === 0 ? (
          <Empty>No data in this range{d.state === "backfilling" ? " yet: the backfill is still running" : ""}.</Empty>
        ) : (
          <SeriesBars label={measure} labels={series.buckets} values={series.values} />
        )}
        {truncated && (
          <p class="notice" data-truncated>
            Only the first {formatCount(MAX_ROWS)} rows are charted, up to {rows.at(-1)?.bucket}: choose fewer days or fill in a dimension.
          </p>
        )}
        {series.combined && (
          <p class="notice">
            Each bar combines the rows of every dimension value in its bucket
            {def.measures[measure] !== "count" && "distinct" in (def.measures[measure] as object)
              ? " (a distinct value seen under two dimension values counts twice)"
              : ""}
            ; fill in a dimension above to chart one.
          </p>
        )}
        <form method="post" action={consolePaths.definitionsRefresh(d.name)}>
          <button type="submit">Refresh now</button>
        </form>
      </Layout>,
    );
  })
  .post("/:name/refresh", async (c) => {
    const name = c.req.param("name");
    await findDefinition(c, name);
    await refreshDefinitions(requestDatabase(c), { budgetMs: CONSOLE_BUDGET_MS, statementTimeoutMs: CONSOLE_BUDGET_MS });
    return c.redirect(consolePaths.definition(name), 303);
  });
