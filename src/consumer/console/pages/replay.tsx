/**
 * Replay and discard from the console: a dry run first (how many letters,
 * from which sources, of which types and codes), then the job, whose page
 * keeps continuing it until done (the script polls; without it, a button).
 */

import { Hono } from "hono";
import { parseOrThrow } from "../../../shared/http/validate.ts";
import { discardRequestSchema, replayRequestSchema, toSelection } from "../../admin/dead-letter-filter.ts";
import { continueReplayJob, discardLetters, findReplayJob, previewReplay, startReplay } from "../../admin/dead-letter-operations.ts";
import type { ConsumerEnv } from "../../consumer-env.ts";
import { requestDb } from "../../db/request-database.ts";
import { selectionFields } from "../console-form.ts";
import { consolePaths } from "../console-paths.ts";
import { formatCount, formatInstant } from "../format.ts";
import { Layout } from "../layout.tsx";

/** A console request works on a replay this long, then shows progress and continues in the next request. */
export const CONSOLE_BUDGET_MS = 5_000;

function Counts(props: { title: string; counts: Record<string, number> }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{props.title}</th>
          <th scope="col" class="num">
            Letters
          </th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(props.counts).map(([k, n]) => (
          <tr>
            <td>{k}</td>
            <td class="num">{formatCount(n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The selection again, as hidden fields, so that "confirm" replays exactly what the dry run counted. */
function SelectionFields(props: { selection: { ids?: string[]; filter?: Record<string, string> } }) {
  const { ids, filter } = props.selection;
  if (ids)
    return (
      <>
        {ids.map((id) => (
          <input type="hidden" name="ids" value={id} />
        ))}
      </>
    );
  return (
    <>
      <input type="hidden" name="scope" value="filter" />
      {Object.entries(filter ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
    </>
  );
}

export const replayPages = new Hono<{ Bindings: ConsumerEnv }>()
  .post("/replay/preview", async (c) => {
    const fields = selectionFields(await c.req.parseBody({ all: true }));
    const selection = toSelection(parseOrThrow("form", replayRequestSchema, fields));
    const preview = await previewReplay(requestDb(c), selection);
    return c.html(
      <Layout title="Replay: dry run" section="dead-letters">
        <p>
          This replay would re-enqueue <strong data-dry-run-count>{formatCount(preview.count)}</strong> dead letters (discarded ones are
          never replayed). Events already stored are counted as duplicates, not written twice.
        </p>
        <div class="charts">
          <Counts title="Source" counts={preview.bySource} />
          <Counts title="Event type" counts={preview.byType} />
          <Counts title="Error code" counts={preview.byCode} />
        </div>
        {preview.count > 0 ? (
          <form method="post" action={consolePaths.replay} class="actions">
            <SelectionFields selection={fields} />
            <button type="submit">
              Replay {formatCount(preview.count)} {preview.count === 1 ? "letter" : "letters"}
            </button>
            <a href={consolePaths.deadLetters()}>Cancel</a>
          </form>
        ) : (
          <p class="notice">Nothing to replay.</p>
        )}
      </Layout>,
    );
  })
  .post("/replay", async (c) => {
    const selection = toSelection(parseOrThrow("form", replayRequestSchema, selectionFields(await c.req.parseBody({ all: true }))));
    const job = await startReplay(requestDb(c), c.env.EVENTS_QUEUE, selection, CONSOLE_BUDGET_MS);
    return c.redirect(consolePaths.replayJob(job.id), 303);
  })
  .get("/replay-jobs/:id", async (c) => {
    const job = await findReplayJob(requestDb(c), c.req.param("id"));
    const done = job.enqueued + job.skipped;
    const state = { status: job.status, total: job.total, enqueued: job.enqueued, skipped: job.skipped };
    return c.html(
      <Layout title="Replay job" section="dead-letters">
        <section data-replay-job={JSON.stringify(state)} data-continue-url={consolePaths.replayJobContinueJson(job.id)}>
          <dl class="fields">
            <dt>Job</dt>
            <dd>
              <code>{job.id}</code>
            </dd>
            <dt>Status</dt>
            <dd data-field="status">{job.status}</dd>
            <dt>Re-enqueued</dt>
            <dd>
              <span data-field="enqueued">{job.enqueued}</span> of {job.total}
            </dd>
            <dt>Skipped (body not replayable)</dt>
            <dd data-field="skipped">{job.skipped}</dd>
            <dt>Started</dt>
            <dd>{formatInstant(job.createdAt)}</dd>
            {job.error && (
              <>
                <dt>Error</dt>
                <dd class="error">{job.error}</dd>
              </>
            )}
          </dl>
          <p>
            <label>
              Progress
              <progress max={Math.max(job.total, 1)} value={Math.min(done, Math.max(job.total, 1))} />
            </label>
          </p>
          {job.status === "running" && (
            <form method="post" action={consolePaths.replayJobContinue(job.id)}>
              <button type="submit">Continue</button>
            </form>
          )}
        </section>
        <p>
          <a href={consolePaths.deadLetters()}>Back to dead letters</a>
        </p>
      </Layout>,
    );
  })
  .post("/replay-jobs/:id/continue", async (c) => {
    const job = await continueReplayJob(requestDb(c), c.env.EVENTS_QUEUE, c.req.param("id"), CONSOLE_BUDGET_MS);
    return c.redirect(consolePaths.replayJob(job.id), 303);
  })
  .post("/replay-jobs/:id/continue.json", async (c) =>
    c.json(await continueReplayJob(requestDb(c), c.env.EVENTS_QUEUE, c.req.param("id"), CONSOLE_BUDGET_MS)),
  )
  .post("/discard", async (c) => {
    const form = await c.req.parseBody({ all: true });
    const body = parseOrThrow("form", discardRequestSchema, { ...selectionFields(form), reason: form.reason });
    const result = await discardLetters(requestDb(c), toSelection(body), body.reason);
    const { discarded } = result;
    const kept = ("notDiscarded" in result ? result.notDiscarded : undefined) ?? [];
    return c.html(
      <Layout title="Discarded" section="dead-letters">
        <p data-discarded>
          Discarded {formatCount(discarded)} dead {discarded === 1 ? "letter" : "letters"}. They stay visible (status discarded, with the
          reason) until the retention purge, and are never replayed.
        </p>
        {kept.length > 0 && (
          <p data-not-discarded>
            Not discarded: {kept.map((l) => `${l.id} (${l.status})`).join(", ")}. A replay took them first, or they were already final.
          </p>
        )}
        <p>
          <a href={consolePaths.deadLetters()}>Back to dead letters</a>
        </p>
      </Layout>,
    );
  });
