/** "Did my event land?": source + id → the stored event, or "not stored", and any dead letters for that id. */

import { Hono } from "hono";
import * as z from "zod/mini";
import { eventId, sourceName } from "../../../shared/events/fields.ts";
import { parseOrThrow } from "../../../shared/http/validate.ts";
import { lookupEvent } from "../../admin/dead-letter-operations.ts";
import type { ConsumerEnv } from "../../consumer-env.ts";
import { requestDb } from "../../db/request-database.ts";
import { consolePaths } from "../console-paths.ts";
import { formatInstant, prettyJson } from "../format.ts";
import { Layout } from "../layout.tsx";

const lookupQuery = z.object({ source: sourceName, id: eventId });

export const eventLookupPage = new Hono<{ Bindings: ConsumerEnv }>().get("/", async (c) => {
  const { source = "", id = "" } = c.req.query();
  const asked = source !== "" || id !== "";
  const found = asked ? await lookupEvent(requestDb(c), ...pair(parseOrThrow("query", lookupQuery, { source, id }))) : null;

  return c.html(
    <Layout title="Event lookup" section="events">
      <form class="filters" method="get" action={consolePaths.eventLookup()}>
        <label>
          Source
          <input name="source" value={source} required />
        </label>
        <label>
          Event id
          <input name="id" value={id} required size={40} />
        </label>
        <button type="submit">Look up</button>
      </form>
      {found?.event && (
        <>
          <h2 data-lookup-result="stored">Stored</h2>
          <dl class="fields">
            <dt>Type</dt>
            <dd>{found.event.type}</dd>
            <dt>Occurred at</dt>
            <dd>{formatInstant(found.event.occurredAt)}</dd>
            <dt>Received at</dt>
            <dd>{formatInstant(found.event.receivedAt)}</dd>
          </dl>
          <h2>Payload</h2>
          <pre>{prettyJson(found.event.payload)}</pre>
          {found.event.attributes !== null && (
            <>
              <h2>Attributes</h2>
              <pre>{prettyJson(found.event.attributes)}</pre>
            </>
          )}
        </>
      )}
      {found?.expired && (
        <p class="notice" data-lookup-result="expired">
          Expired: event <code>{id}</code> from source <code>{source}</code> was stored, and retention has dropped its day (see the
          overview's event life cycle).
        </p>
      )}
      {found && !found.event && !found.expired && (
        <p class="notice" data-lookup-result="not-stored">
          Not stored: no event <code>{id}</code> from source <code>{source}</code> is in the events table
          {found.deadLetters.length
            ? ", but it has dead letters (below)."
            : ", and it has no dead letter either. It may still be on its way, or was never accepted."}
        </p>
      )}
      {found && found.deadLetters.length > 0 && (
        <>
          <h2>Dead letters for this id</h2>
          <ul>
            {found.deadLetters.map((d) => (
              <li>
                <a href={consolePaths.deadLetter(d.id)}>{formatInstant(d.lastFailedAt)}</a> — <code>{d.errorCode}</code>, {d.status}
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>,
  );
});

const pair = (q: { source: string; id: string }) => [q.source, q.id] as const;
