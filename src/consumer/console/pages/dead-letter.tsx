/** One dead letter: the original body, the error, its history and its replays; replay or discard it. */

import { Hono } from "hono";
import { findDeadLetter } from "../../admin/dead-letter-operations.ts";
import type { ConsumerEnv } from "../../consumer-env.ts";
import { requestDb } from "../../db/request-database.ts";
import { consolePaths } from "../console-paths.ts";
import { formatInstant, prettyJson } from "../format.ts";
import { Layout } from "../layout.tsx";

export const deadLetterPage = new Hono<{ Bindings: ConsumerEnv }>().get("/:id", async (c) => {
  const letter = await findDeadLetter(requestDb(c), c.req.param("id"));

  // The history is what the row records: first and last failure, then the operator's decisions.
  const history: [string, Date | null, string][] = [
    ["first failed", letter.firstFailedAt, `error ${letter.errorCode}`],
    ["last failed", letter.lastFailedAt, `attempt ${letter.attempts}`],
    ...(letter.replayedAt ? [["replayed", letter.replayedAt, `replay ${letter.replayCount}`] as [string, Date, string]] : []),
    ...(letter.discardedAt ? [["discarded", letter.discardedAt, letter.discardReason ?? ""] as [string, Date, string]] : []),
  ];
  history.sort((a, b) => (a[1]?.getTime() ?? 0) - (b[1]?.getTime() ?? 0));

  return c.html(
    <Layout title={`Dead letter ${letter.eventId ?? letter.id}`} section="dead-letters">
      <dl class="fields">
        <dt>Status</dt>
        <dd class={`status-${letter.status}`} data-status>
          {letter.status}
        </dd>
        <dt>Source / type</dt>
        <dd>
          {letter.source ?? "–"} / {letter.eventType ?? "–"}
        </dd>
        <dt>Event id</dt>
        <dd>
          {letter.eventId && letter.source ? (
            <a href={consolePaths.eventLookup(`?source=${encodeURIComponent(letter.source)}&id=${encodeURIComponent(letter.eventId)}`)}>
              {letter.eventId}
            </a>
          ) : (
            "–"
          )}
        </dd>
        <dt>Error code</dt>
        <dd>
          <code>{letter.errorCode}</code>
        </dd>
        <dt>Error message</dt>
        <dd data-error-message>{letter.errorMessage}</dd>
        <dt>Attempts</dt>
        <dd>{letter.attempts}</dd>
        <dt>Replays</dt>
        <dd>
          {letter.replayCount}
          {letter.replayJobId && (
            <>
              {" "}
              (last job <a href={consolePaths.replayJob(letter.replayJobId)}>{letter.replayJobId}</a>)
            </>
          )}
        </dd>
        {letter.discardReason && (
          <>
            <dt>Discard reason</dt>
            <dd>{letter.discardReason}</dd>
          </>
        )}
      </dl>

      <h2>History</h2>
      <table>
        <tbody>
          {history.map(([what, when, note]) => (
            <tr>
              <td>{formatInstant(when)}</td>
              <th scope="row">{what}</th>
              <td>{note}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Original body</h2>
      {letter.body !== null ? <pre data-body>{prettyJson(letter.body)}</pre> : <pre data-body>{letter.bodyText ?? ""}</pre>}
      {letter.body === null && <p class="notice">The body could not be stored as JSON; this is the message text as delivered.</p>}

      {letter.status === "pending" && (
        <div class="actions">
          <form method="post" action={consolePaths.replayPreview}>
            <input type="hidden" name="ids" value={letter.id} />
            <button type="submit">Replay (dry run first)</button>
          </form>
          <form method="post" action={consolePaths.discard} class="actions">
            <input type="hidden" name="ids" value={letter.id} />
            <label>
              Reason to discard
              <input name="reason" required minlength={3} maxlength={500} />
            </label>
            <button type="submit" class="danger">
              Discard
            </button>
          </form>
        </div>
      )}
    </Layout>,
  );
});
