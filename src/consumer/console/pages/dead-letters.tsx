/** The dead-letter list: the admin API's filters in the URL (shareable), counts by code, keyset pages, select many or by filter. */

import { Hono } from "hono";
import { parseOrThrow } from "../../../shared/http/validate.ts";
import { DEAD_LETTER_STATUSES } from "../../admin/dead-letter-filter.ts";
import { deadLetterListQuery, listDeadLetterPage } from "../../admin/dead-letter-operations.ts";
import type { ConsumerEnv } from "../../consumer-env.ts";
import { requestDb } from "../../db/request-database.ts";
import { filterFields, queryString } from "../console-form.ts";
import { consolePaths } from "../console-paths.ts";
import { formatCount, formatInstant } from "../format.ts";
import { Empty, Layout } from "../layout.tsx";

const PAGE_SIZE = 50;

export const deadLettersPage = new Hono<{ Bindings: ConsumerEnv }>().get("/", async (c) => {
  const raw = c.req.query();
  const filter = filterFields(raw);
  const query = parseOrThrow("query", deadLetterListQuery, {
    ...filter,
    limit: String(PAGE_SIZE),
    ...(raw.cursor ? { cursor: raw.cursor } : {}),
  });
  const page = await listDeadLetterPage(requestDb(c), query);
  const day = (v: string | undefined) => v?.slice(0, 10);
  const hidden = Object.entries(filter).map(([name, value]) => <input type="hidden" name={name} value={value} />);

  return c.html(
    <Layout title="Dead letters" section="dead-letters">
      <form class="filters" method="get" action={consolePaths.deadLetters()}>
        <label>
          Source
          <input name="source" value={filter.source} />
        </label>
        <label>
          Event type
          <input name="type" value={filter.type} />
        </label>
        <label>
          Error code
          <input name="code" value={filter.code} />
        </label>
        <label>
          Status
          <select name="status">
            <option value="">any</option>
            {DEAD_LETTER_STATUSES.map((s) => (
              <option value={s} selected={filter.status === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Last failure from (UTC day)
          <input type="date" name="from" value={day(filter.from)} />
        </label>
        <label>
          before (UTC day)
          <input type="date" name="to" value={day(filter.to)} />
        </label>
        <button type="submit">Filter</button>
        <a href={consolePaths.deadLetters()}>Clear</a>
      </form>

      <p>
        <strong data-total>{formatCount(page.total)}</strong> letters match. By error code:
      </p>
      <div class="chips">
        {Object.entries(page.countsByCode).map(([code, n]) => (
          <a class="chip" href={consolePaths.deadLetters(queryString({ ...filter, code }))}>
            {code}: {formatCount(n)}
          </a>
        ))}
      </div>

      {page.deadLetters.length === 0 ? (
        <Empty>No dead letters match this filter. Events that fail permanently, or keep failing, appear here.</Empty>
      ) : (
        <form method="post" action={consolePaths.replayPreview}>
          <input type="hidden" name="scope" value="selected" />
          <table>
            <thead>
              <tr>
                <th scope="col">
                  <input type="checkbox" data-select-all aria-label="Select every letter on this page" />
                </th>
                <th scope="col">Last failure</th>
                <th scope="col">Source</th>
                <th scope="col">Type</th>
                <th scope="col">Event id</th>
                <th scope="col">Code</th>
                <th scope="col">Message</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.deadLetters.map((d) => (
                <tr>
                  <td>
                    <input type="checkbox" name="ids" value={d.id} aria-label={`Select letter ${d.eventId ?? d.id}`} />
                  </td>
                  <td>{formatInstant(d.lastFailedAt)}</td>
                  <td>{d.source ?? "–"}</td>
                  <td>{d.eventType ?? "–"}</td>
                  <td>
                    <a href={consolePaths.deadLetter(d.id)}>{d.eventId ?? "(unreadable message)"}</a>
                  </td>
                  <td>
                    <code>{d.errorCode}</code>
                  </td>
                  <td>{d.errorMessage.length > 140 ? `${d.errorMessage.slice(0, 140)}…` : d.errorMessage}</td>
                  <td class="num">{d.attempts}</td>
                  <td class={`status-${d.status}`}>{d.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            <button type="submit" formnovalidate>
              Replay selected (dry run first)
            </button>
            <label>
              Reason to discard
              <input name="reason" required minlength={3} maxlength={500} />
            </label>
            <button type="submit" class="danger" formaction={consolePaths.discard}>
              Discard selected
            </button>
          </div>
        </form>
      )}
      {page.nextCursor && (
        <p class="pager">
          <a href={consolePaths.deadLetters(queryString({ ...filter, cursor: page.nextCursor }))} rel="next">
            Next page →
          </a>
        </p>
      )}

      {Object.keys(filter).length > 0 && page.total > 0 && (
        <>
          <h2>Everything this filter matches</h2>
          <div class="actions">
            <form method="post" action={consolePaths.replayPreview}>
              <input type="hidden" name="scope" value="filter" />
              {hidden}
              <button type="submit">Replay all {formatCount(page.total)} matching (dry run first)</button>
            </form>
            <form method="post" action={consolePaths.discard} class="actions">
              <input type="hidden" name="scope" value="filter" />
              {hidden}
              <label>
                Reason to discard all matching
                <input name="reason" required minlength={3} maxlength={500} />
              </label>
              <button type="submit" class="danger">
                Discard all matching
              </button>
            </form>
          </div>
        </>
      )}
    </Layout>,
  );
});
