// bench/consumer: the consumer's SQL, from Node, on the same databases in the same run
// (bench/consumer-workerd.ts measures it sent from inside workerd through the Hyperdrive binding).
//
// 1. Statement forms, batches of 100 and 1,000 rows, one writer, one open connection:
//      chosen         insertEvents(): the consumer's statement as it sends it (node-postgres, one round trip with its timeout)
//      createMany     Prisma createMany(skipDuplicates) through Prisma 7 + @prisma/adapter-pg
//      pg-insert      raw multi-row INSERT … VALUES, node-postgres (the baseline)
//      pg-copy        COPY FROM STDIN (not idempotent; for reference)
//    against a real PostgreSQL (Debian package, started here, fsync on) and the embedded PGlite.
// 2. Concurrency (real PostgreSQL, fsync on): 1, 8, 32 and 64 writers, each its own
//    connection, 100-row batches, the hot case (every row one source/type/day)
//    and a spread case; rows/s of
//      plain      INSERT … SELECT FROM jsonb_to_recordset … ON CONFLICT DO NOTHING (the baseline), sent as
//                 text, and as a prepared statement (its plan cached, like the function's)
//      chosen     the consumer's statement: its function (rollup deltas and stage counters sharded per connection)
//      unsharded  the same statement with every writer on one shard (the design before): what sharding buys
//    and what the active backends waited on (pg_stat_activity samples).
//
//   npm run bench:consumer [-- --rows 20000 --targets real,embedded --repeats 3 --writers 1,8,32,64]

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import { startEmbeddedPostgres } from "../scripts/local-stack/embedded-postgres.ts";
import { INSERT_EVENTS_SQL, insertEvents } from "../src/consumer/db/insert-events.ts";
import { PrismaClient } from "../src/generated/prisma-node/client.ts";
import type { EventMessage } from "../src/shared/events/event-message.ts";
import { makeEvents, median } from "./lib/events.ts";
import { unshardedInsert } from "./lib/insert-variants.ts";
import { plainMultiRowInsert } from "./lib/plain-insert.ts";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "20000" },
    targets: { type: "string", default: "real,embedded" },
    repeats: { type: "string", default: "3" },
    writers: { type: "string", default: "1,8,32,64" },
    "batches-per-writer": { type: "string", default: "15" },
  },
});
const ROWS = Number(args.rows);
const REPEATS = Number(args.repeats);
const WRITERS = args.writers.split(",").map(Number);
const BATCHES_PER_WRITER = Number(args["batches-per-writer"]);

type Writer = (batch: EventMessage[]) => Promise<unknown>;

async function benchForms(name: string, directUrl: string) {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: directUrl, max: 1 }) });
  const direct = new pg.Client({ connectionString: directUrl });
  await direct.connect();
  const truncate = () => direct.query("TRUNCATE events, event_ids, rollup_deltas, stage_counters");

  const writers: Record<string, Writer> = {
    chosen: (b) => insertEvents(direct, b),
    createMany: (b) =>
      client.event.createMany({
        data: b.map((e) => ({
          source: e.source,
          id: e.id,
          type: e.type,
          occurredAt: e.occurredAt,
          receivedAt: e.receivedAt,
          payload: e.payload as object,
        })),
        skipDuplicates: true,
      }),
    "pg-insert": (b) => plainMultiRowInsert(direct, b),
    "pg-copy": async (b) => {
      // COPY has no ON CONFLICT: fastest, but not idempotent (shown for reference only).
      const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
      const text = `${b.map((e) => [e.source, e.id, e.type, e.occurredAt, e.receivedAt, esc(JSON.stringify(e.payload))].join("\t")).join("\n")}\n`;
      await pipeline(
        Readable.from([text]),
        direct.query(copyFrom("COPY events (source,id,type,occurred_at,received_at,payload) FROM STDIN")),
      );
    },
  };

  const results: { method: string; batch: number; rowsPerSec: number }[] = [];
  for (const batch of [100, 1000]) {
    for (const [method, write] of Object.entries(writers)) {
      // PGlite's wire protocol does not implement COPY FROM STDIN (the request hangs): not measured there.
      if (method === "pg-copy" && name === "embedded") continue;
      const samples: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        await truncate();
        const events = makeEvents(ROWS, `${name}-${method}-${batch}-${r}`);
        const t0 = performance.now();
        try {
          for (let i = 0; i < events.length; i += batch) await write(events.slice(i, i + batch));
        } catch (err) {
          console.error(`[bench] ${name} ${method} batch ${batch}: ${(err as Error).message.split("\n")[0]}`);
          break;
        }
        samples.push(ROWS / ((performance.now() - t0) / 1000));
      }
      if (samples.length) results.push({ method, batch, rowsPerSec: Math.round(median(samples)) });
      console.error(`[bench] ${name} ${method} batch=${batch}: ${samples.map((s) => Math.round(s)).join(", ")} rows/s`);
    }
  }
  await direct.end();
  await client.$disconnect();
  return results;
}

/** The baseline: the same rows, the same unpacking, nothing but the insert. */
const PLAIN_INSERT_SQL = `
    INSERT INTO events (source, id, type, occurred_at, received_at, payload, attributes)
    SELECT r.source, r.id, r.type, r."occurredAt", r."receivedAt", r.payload, r.attributes
    FROM jsonb_to_recordset($1::jsonb) AS r(
      source text, id text, type text, "occurredAt" timestamptz, "receivedAt" timestamptz, payload jsonb, attributes jsonb
    )
    ORDER BY r.source, r.id
    ON CONFLICT (source, id, received_at) DO NOTHING`;

/** The consumer's function, with every writer on shard 0: the hot rows as they were before sharding. */
const UNSHARDED = "bench_insert_events_unsharded";

const STATEMENTS = {
  plain: (events: EventMessage[]) => ({ text: PLAIN_INSERT_SQL, values: [JSON.stringify(events)] }),
  // The baseline as a prepared statement, its plan cached per connection as the consumer's function's plan is.
  "plain-prepared": (events: EventMessage[]) => ({ name: "plain", text: PLAIN_INSERT_SQL, values: [JSON.stringify(events)] }),
  chosen: (events: EventMessage[]) => ({ text: INSERT_EVENTS_SQL, values: [JSON.stringify(events), events.length, 0] }),
  unsharded: (events: EventMessage[]) => ({
    text: INSERT_EVENTS_SQL.replace("eventline_insert_events", UNSHARDED),
    values: [JSON.stringify(events), events.length, 0],
  }),
};
type Method = keyof typeof STATEMENTS;

/**
 * Batches of 100 rows, as one request's packet would be. Hot: every row of
 * every writer on one (source, type, day). Spread: each writer its own
 * source, a batch on one of 30 days, its rows over 10 types (10 keys a
 * statement, none shared with another writer).
 */
function batchFor(hot: boolean, writer: number, batch: number, tag: string): EventMessage[] {
  const day = new Date(Date.UTC(2026, 9, 1 + ((writer * 7 + batch) % 30), 12)).toISOString();
  return Array.from({ length: 100 }, (_, i) => {
    const at = hot ? "2026-11-26T12:00:00.000Z" : day;
    return {
      v: 1 as const,
      source: hot ? "hot" : `src-${writer}`,
      id: `${tag}-${i}`,
      type: hot ? "hot.type" : `type-${i % 10}`,
      occurredAt: at,
      receivedAt: at,
      payload: { user: `u-${i}`, plan: "pro", amount: 12.5, note: "x".repeat(80) },
    };
  });
}

async function benchConcurrency(directUrl: string) {
  const admin = new pg.Client({ connectionString: directUrl });
  await admin.connect();
  for (const statement of unshardedInsert(UNSHARDED)) await admin.query(statement);
  const maxWriters = Math.max(...WRITERS);
  const conns = await Promise.all(
    Array.from({ length: maxWriters }, async () => {
      const c = new pg.Client({ connectionString: directUrl });
      await c.connect();
      return c;
    }),
  );
  const results: { case: string; writers: number; method: Method; rowsPerSec: number; waits: Record<string, number> }[] = [];
  let run = 0;
  for (const hot of [true, false]) {
    for (const writers of WRITERS) {
      const samples = new Map<Method, { rps: number[]; waits: Map<string, number> }>();
      for (let r = 0; r < REPEATS; r++) {
        for (const method of Object.keys(STATEMENTS) as Method[]) {
          await admin.query("TRUNCATE events, event_ids, rollup_deltas, stage_counters");
          await admin.query("CHECKPOINT");
          const tag = `r${run++}`;
          const waits = samples.get(method)?.waits ?? new Map<string, number>();
          let sampling = true;
          const sampler = (async () => {
            while (sampling) {
              const rows = await admin.query(
                "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1",
              );
              for (const row of rows.rows) waits.set(row.w, (waits.get(row.w) ?? 0) + row.n);
              await new Promise((res) => setTimeout(res, 20));
            }
          })();
          const t0 = performance.now();
          await Promise.all(
            conns.slice(0, writers).map(async (c, w) => {
              for (let b = 0; b < BATCHES_PER_WRITER; b++) {
                await c.query(STATEMENTS[method](batchFor(hot, w, b, `${tag}-${w}-${b}`)));
              }
            }),
          );
          const seconds = (performance.now() - t0) / 1000;
          sampling = false;
          await sampler;
          const entry = samples.get(method) ?? { rps: [], waits };
          entry.rps.push((writers * BATCHES_PER_WRITER * 100) / seconds);
          samples.set(method, entry);
        }
      }
      for (const [method, s] of samples) {
        const total = [...s.waits.values()].reduce((a, b) => a + b, 0) || 1;
        const waits = Object.fromEntries(
          [...s.waits]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([k, v]) => [k, Math.round((v / total) * 100)]),
        );
        results.push({ case: hot ? "hot" : "spread", writers, method, rowsPerSec: Math.round(median(s.rps)), waits });
        console.error(
          `[bench] ${hot ? "hot" : "spread"} ${writers} writers ${method}: ${s.rps.map(Math.round).join(", ")} rows/s; waits ${JSON.stringify(waits)}`,
        );
      }
    }
  }
  await Promise.all([...conns, admin].map((c) => c.end()));
  return results;
}

async function benchTarget(name: string, directUrl: string) {
  await applyMigrations(directUrl);
  return {
    forms: await benchForms(name, directUrl),
    concurrency: name === "real" ? await benchConcurrency(directUrl) : [],
  };
}

const report: Record<string, Awaited<ReturnType<typeof benchTarget>>> = {};
for (const target of args.targets.split(",")) {
  const server = target === "real" ? await startRealPostgres({ max_connections: "200" }) : await startEmbeddedPostgres();
  try {
    report[target] = await benchTarget(target, server.url);
  } finally {
    await server.stop();
  }
}

const pct = (a: number | undefined, b: number | undefined) => (a && b ? `${((a / b) * 100).toFixed(0)}%` : "–");
for (const [target, t] of Object.entries(report)) {
  console.log(
    `\n${target === "real" ? "PostgreSQL (Debian package, local, fsync on)" : "Embedded PGlite"} — ${ROWS} rows per run, median of ${REPEATS}`,
  );
  console.log("| method | batch 100 rows/s | batch 1000 rows/s | vs pg-insert (100 / 1000) |");
  console.log("|---|---|---|---|");
  const get = (m: string, b: number) => t.forms.find((r) => r.method === m && r.batch === b)?.rowsPerSec;
  for (const m of ["chosen", "createMany", "pg-insert", "pg-copy"]) {
    console.log(
      `| ${m} | ${get(m, 100) ?? "–"} | ${get(m, 1000) ?? "–"} | ${pct(get(m, 100), get("pg-insert", 100))} / ${pct(get(m, 1000), get("pg-insert", 1000))} |`,
    );
  }
  if (t.concurrency.length) {
    console.log(`\nConcurrent writers (100-row batches, ${BATCHES_PER_WRITER} per writer, median of ${REPEATS})`);
    console.log(
      "| case | writers | plain rows/s | chosen rows/s | **chosen vs plain** | plain, prepared | chosen vs prepared | unsharded rows/s | unsharded vs plain | chosen: waits (share of active samples) |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const c of ["hot", "spread"]) {
      for (const w of WRITERS) {
        const row = (m: Method) => t.concurrency.find((r) => r.case === c && r.writers === w && r.method === m)!;
        const waits = Object.entries(row("chosen").waits)
          .map(([k, v]) => `${k} ${v}%`)
          .join(", ");
        console.log(
          `| ${c} | ${w} | ${row("plain").rowsPerSec} | ${row("chosen").rowsPerSec} | **${pct(row("chosen").rowsPerSec, row("plain").rowsPerSec)}** | ${row("plain-prepared").rowsPerSec} | ${pct(row("chosen").rowsPerSec, row("plain-prepared").rowsPerSec)} | ${row("unsharded").rowsPerSec} | ${pct(row("unsharded").rowsPerSec, row("plain").rowsPerSec)} | ${waits} |`,
        );
      }
    }
  }
}
console.log(`\n${JSON.stringify(report)}`);
