// bench/partitioning-migration: partitioning an existing events table of N rows
// (default 1,000,000) with the five migrations, a consumer writing throughout,
// on a real PostgreSQL (Debian package, started here, fsync on): each step's
// time and the longest the writer's statement waited during it. Baseline in the
// same run, on a copy of the same rows: the rewrite the migrations avoid, every
// row copied into a new partitioned table (INSERT … SELECT), whose lock on the
// old table would stop the consumer for all of it.
//
//   npm run bench:partitioning-migration [-- --events 1000000]
import { parseArgs } from "node:util";
import pg from "pg";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { BEFORE_PARTITIONING, fillOldLayout, rehearsePartitioning } from "../scripts/db/partitioning-rehearsal.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";

const { values: args } = parseArgs({ options: { events: { type: "string", default: "1000000" } } });
const N = Number(args.events);
const server = await startRealPostgres({ shared_buffers: "256MB", maintenance_work_mem: "256MB" });

async function database(name: string) {
  const url = await server.createDatabase(name);
  await applyMigrations(url, BEFORE_PARTITIONING);
  const client = new pg.Client(url);
  client.on("error", () => {});
  await client.connect();
  await fillOldLayout(client, N);
  return { url, client };
}

try {
  const rewrite = await database("rewrite");
  let t = performance.now();
  await rewrite.client.query("BEGIN");
  await rewrite.client.query(
    `CREATE TABLE events_rewritten (LIKE events INCLUDING DEFAULTS, PRIMARY KEY (source, id, received_at)) PARTITION BY RANGE (received_at)`,
  );
  await rewrite.client.query("CREATE TABLE events_rewritten_default PARTITION OF events_rewritten DEFAULT");
  await rewrite.client.query("CREATE INDEX ON events_rewritten (source, type, occurred_at)");
  await rewrite.client.query("CREATE INDEX ON events_rewritten (occurred_at)");
  await rewrite.client.query("LOCK TABLE events IN SHARE MODE"); // what a consistent copy needs: writes wait
  await rewrite.client.query("INSERT INTO events_rewritten SELECT * FROM events");
  await rewrite.client.query("COMMIT");
  const rewriteMs = performance.now() - t;
  await rewrite.client.end();
  console.error(`[bench] rewrite: ${Math.round(rewriteMs)} ms`);

  const migrated = await database("migrated");
  await migrated.client.end();
  t = performance.now();
  const r = await rehearsePartitioning(migrated.url);
  const totalMs = performance.now() - t;
  const steps = r.steps.map((s) => ({
    step: s.step,
    ms: Math.round(s.ms),
    writerStatements: s.writes,
    longestWriterStatementMs: Math.round(s.longestWriteMs),
  }));
  console.log(
    JSON.stringify(
      {
        events: N,
        rewriteMs: Math.round(rewriteMs),
        migrationMs: Math.round(totalMs),
        rewriteOverMigration: Math.round((rewriteMs / totalMs) * 100) / 100,
        longestWriterWaitMs: Math.round(Math.max(...r.steps.map((s) => s.longestWriteMs))),
        writerErrors: r.writerErrors,
        steps,
      },
      null,
      2,
    ),
  );
} finally {
  await server.stop();
}
