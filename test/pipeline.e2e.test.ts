// The whole pipeline as a user runs it with `npm run dev`: embedded Postgres,
// migrations, and both Workers in one local runtime (the producer, the
// consumers and the cron; the consumer's Hyperdrive binding on the embedded
// database). No mocks: HTTP in, rows out of Postgres.
import { join } from "node:path";
import { CloudEvent, emitterFor, httpTransport, Mode } from "cloudevents";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../scripts/local-stack/embedded-postgres.ts";
import type { LocalStack } from "../scripts/local-stack/start-local-stack.ts";
import type { StageCounts } from "../src/consumer/db/read-stats.ts";
import { type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { eventually as waitFor } from "./support/eventually.ts";

let e2e: E2eStack;
let stack: LocalStack;
let sql: E2eStack["sql"];

beforeAll(async () => {
  // A short database deadline, so that the hanging-database case below takes seconds, not minutes.
  e2e = await startE2eStack("pipeline", [[/^DATABASE_TIMEOUT_SECONDS = "4"/m, 'DATABASE_TIMEOUT_SECONDS = "1.5"']]);
  ({ stack, sql } = e2e);
});

afterAll(() => e2e?.stop());

const post = (body: unknown) =>
  fetch(`${stack.ingestUrl}/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${stack.secrets.apiKey}` },
    body: JSON.stringify(body),
  });

/** The Workers' log written after `offset` (a length of it read earlier): what this test's own events caused. */
const logSince = async (offset: number) => (await e2e.workersLog()).slice(offset);

const countFor = async (prefix: string) =>
  Number((await sql("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM events WHERE id LIKE $1", [`${prefix}%`]))[0].n);

describe("pipeline end to end (both Workers + local queue + pool + Postgres)", () => {
  // How fast is bench/'s business; here the bound only has to outlast a busy machine.
  it("answers the README's curl with 202 and the row lands in Postgres", async () => {
    const res = await post({ type: "signup", payload: { plan: "pro" } });
    expect(res.status).toBe(202);
    const { accepted } = (await res.json()) as { accepted: { id: string }[] };
    const rows = await waitFor(
      () => sql("SELECT source, type, payload FROM events WHERE id = $1", [accepted[0]!.id]),
      (r) => r.length === 1,
      30_000,
    );
    expect(rows).toEqual([{ source: stack.secrets.source, type: "signup", payload: { plan: "pro" } }]);
  });

  it("takes CloudEvents from the cloudevents SDK's own HTTP emitter, structured and binary", async () => {
    const transport = httpTransport(`${stack.ingestUrl}/v1/events`);
    const auth = { headers: { authorization: `Bearer ${stack.secrets.apiKey}` } };
    const ids = [`ce-s-${Date.now()}`, `ce-b-${Date.now()}`];
    for (const [i, mode] of [Mode.STRUCTURED, Mode.BINARY].entries()) {
      const emit = emitterFor(transport, { mode });
      const res = (await emit(
        new CloudEvent({ id: ids[i], source: "urn:example:billing", type: "invoice.paid", data: { amount: i } }),
        auth,
      )) as { body: string };
      expect(JSON.parse(res.body)).toMatchObject({ accepted: [{ index: 0, id: ids[i] }] });
    }
    const rows = await waitFor(
      () => sql("SELECT id, payload, attributes->>'ceSource' AS ce_source FROM events WHERE id = ANY($1) ORDER BY id", [ids]),
      (r) => r.length === 2,
      5000,
    );
    expect(rows).toEqual([
      { id: ids[1], payload: { amount: 1 }, ce_source: "urn:example:billing" },
      { id: ids[0], payload: { amount: 0 }, ce_source: "urn:example:billing" },
    ]);
  });

  it("writes each event once when every event is delivered twice, and counts the copies as duplicates", async () => {
    const stats = async () =>
      (
        (await (
          await fetch(`${stack.opsUrl}/admin/stats`, { headers: { authorization: `Bearer ${stack.secrets.adminToken}` } })
        ).json()) as {
          stages: StageCounts;
        }
      ).stages;
    const before = await stats();
    const prefix = `twice-${Date.now()}-`;
    const events = Array.from({ length: 300 }, (_, i) => ({ id: `${prefix}${i}`, type: "twice", payload: { i } }));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < events.length; i += 100) expect((await post({ events: events.slice(i, i + 100) })).status).toBe(202);
    }
    const after = await waitFor(stats, (s) => s.written - before.written >= 300 && s.duplicates - before.duplicates >= 300, 30_000);
    const rows = await sql("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM events WHERE id LIKE $1", [`${prefix}%`]);
    expect(rows[0]).toEqual({ n: 300, d: 300 });
    // Stage counters (sharded per connection, summed on read) agree with the rows: 600 accepted, 300 written, 300 duplicates.
    expect({
      accepted: after.accepted - before.accepted,
      written: after.written - before.written,
      duplicates: after.duplicates - before.duplicates,
    }).toEqual({
      accepted: 600,
      written: 300,
      duplicates: 300,
    });
    // The copies were acked as duplicates, not failed into the dead-letter table.
    expect(await sql("SELECT key FROM dead_letters WHERE event_id LIKE $1", [`${prefix}%`])).toEqual([]);
  });

  it("loses nothing and duplicates nothing when the database stops mid-stream and comes back", async () => {
    const prefix = `outage-${Date.now()}-`;
    const batch = (from: number) => ({
      events: Array.from({ length: 50 }, (_, i) => ({ id: `${prefix}${from + i}`, type: "outage", payload: { n: from + i } })),
    });
    expect((await post(batch(0))).status).toBe(202);
    await waitFor(
      () => countFor(prefix),
      (n) => n === 50,
      10_000,
    );

    // Stop the database, keep ingesting until the consumer has met the outage, then restart it on the same port.
    const port = stack.postgres!.port;
    const logBefore = (await e2e.workersLog()).length;
    await stack.postgres!.stop();
    for (let from = 50; from < 300; from += 50) expect((await post(batch(from))).status).toBe(202);
    await waitFor(
      () => logSince(logBefore),
      (log) => log.includes('"msg":"consumer.write_failed"'),
      30_000,
      250,
    );
    const restarted = await startEmbeddedPostgres({ dataDir: join(e2e.stateDir, "pgdata"), port });
    stack.postgres = restarted;

    const n = await waitFor(
      () => countFor(prefix),
      (v) => v === 300,
      60_000,
    );
    expect(n).toBe(300);
    const rows = await sql("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM events WHERE id LIKE $1", [`${prefix}%`]);
    expect(rows[0]).toEqual({ n: 300, d: 300 });
  });

  it("loses nothing and duplicates nothing when the database hangs: the consumer gives up on the call and the queue redelivers", async () => {
    const prefix = `hang-${Date.now()}-`;
    const events = { events: Array.from({ length: 40 }, (_, i) => ({ id: `${prefix}${i}`, type: "hang", payload: { i } })) };
    // PGlite is one session: a connection inside a transaction holds it, and every other query waits behind it.
    const holder = new pg.Client({ connectionString: stack.directUrl });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT 1");
    const logBefore = (await e2e.workersLog()).length;
    try {
      expect((await post(events)).status).toBe(202);
      await waitFor(
        () => logSince(logBefore),
        (log) => log.includes('"code":"database_timeout"'),
        30_000,
        250,
      );
    } finally {
      await holder.query("COMMIT");
      await holder.end();
    }
    // The abandoned statement may still commit once the session is free; the redelivery then finds duplicates.
    // Done when the message has been acked: a batch of its 40 events with nothing handed back to the queue.
    await waitFor(
      () => logSince(logBefore),
      (log) => /"msg":"consumer\.batch"[^\n]*"events":40,[^\n]*"deadLettered":0,"retried":0/.test(log),
      60_000,
      250,
    );
    expect((await sql("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM events WHERE id LIKE $1", [`${prefix}%`]))[0]).toEqual({
      n: 40,
      d: 40,
    });
    expect(await sql("SELECT key FROM dead_letters WHERE event_id LIKE $1", [`${prefix}%`])).toEqual([]);
  });

  it("runs the cron rollup through /cdn-cgi/handler/scheduled", async () => {
    const res = await fetch(`${stack.opsUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("15 0 * * *")}`);
    expect(res.status).toBe(200);
    const rows = await waitFor(
      () =>
        sql("SELECT type, count FROM daily_rollups WHERE source = $1 AND type IN ('twice', 'outage', 'hang') ORDER BY type", [
          stack.secrets.source,
        ]),
      (r) => r.length === 3,
      10_000,
    );
    expect(rows).toEqual([
      { type: "hang", count: 40 },
      { type: "outage", count: 300 },
      { type: "twice", count: 300 },
    ]);
  });
});
