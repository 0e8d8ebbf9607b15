// bench/insert-function: the consumer's insert function as it is
// (src/consumer/db/sql/eventline_insert_events.sql) against an earlier
// definition of it, taken from a migration, on one real PostgreSQL
// (Debian package, started here, fsync on), same database, one warm
// connection, the two alternating round by round: time per statement.
// First deliveries go to the optimistic form, redeliveries (--checked) to the
// checked one. The baseline is the last definition built from TypeScript
// templates (migration 20261205215209), before the function became one SQL file.
//
//   npm run bench:insert-function [-- --sizes 100,1000 --statements 150 --rounds 6 --checked]

import { parseArgs } from "node:util";
import pg from "pg";
import { migratedFunctions } from "../scripts/db/function-migrations.ts";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { pgRawSql } from "../scripts/db/pg-raw-sql.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import { maintainEvents } from "../src/consumer/db/maintain-events.ts";
import { integerLiteral, jsonbLiteral } from "../src/consumer/db/timed-statement.ts";
import { makeEvents, median } from "./lib/events.ts";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000" },
    statements: { type: "string", default: "150" },
    rounds: { type: "string", default: "6" },
    checked: { type: "boolean", default: false },
    baseline: { type: "string", default: "20261205215209_partition_functions_as_sql" },
  },
});
const STATEMENTS = Number(args.statements);

/** The function as the migrations up to the baseline defined it, under another name. */
async function baselineFunction(name: string): Promise<string> {
  const definition = (await migratedFunctions(args.baseline)).get("eventline_insert_events");
  if (!definition) throw new Error(`no migration up to ${args.baseline} defines eventline_insert_events`);
  return definition.replace("CREATE OR REPLACE FUNCTION eventline_insert_events(", `CREATE OR REPLACE FUNCTION ${name}(`);
}

const server = await startRealPostgres({ shared_buffers: "256MB" });
const client = new pg.Client(server.url);
try {
  await applyMigrations(server.url);
  await client.connect();
  await client.query(await baselineFunction("bench_insert_events_baseline"));
  await maintainEvents(pgRawSql(client), new Date(), { partitionsAheadDays: 2, retentionDays: null, dedupeWindowDays: 90 });
  let tag = 0;
  /** Milliseconds per statement of `fn` over `size` new events. */
  const run = async (fn: string, size: number) => {
    const started = performance.now();
    for (let i = 0; i < STATEMENTS; i++) {
      const events = jsonbLiteral(makeEvents(size, `s${tag++}`));
      const [first, re] = args.checked ? [0, size] : [size, 0];
      await client.query(`SELECT * FROM ${fn}(${events}, ${integerLiteral(first)}, ${integerLiteral(re)})`);
    }
    return (performance.now() - started) / STATEMENTS;
  };
  const report = [];
  for (const size of args.sizes.split(",").map(Number)) {
    await run("eventline_insert_events", size);
    await run("bench_insert_events_baseline", size);
    const current: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < Number(args.rounds); round++) {
      const order = round % 2 ? ["current", "baseline"] : ["baseline", "current"];
      for (const which of order) {
        if (which === "current") current.push(await run("eventline_insert_events", size));
        else baseline.push(await run("bench_insert_events_baseline", size));
      }
    }
    const row = {
      size,
      form: args.checked ? "checked" : "optimistic",
      baselineMs: median(baseline),
      currentMs: median(current),
      ratio: median(current) / median(baseline),
    };
    report.push(row);
    console.error(
      `[bench] ${size} events (${row.form}): baseline ${row.baselineMs.toFixed(2)} ms, current ${row.currentMs.toFixed(2)} ms, current/baseline ${row.ratio.toFixed(3)}`,
    );
  }
  console.log(JSON.stringify(report, null, 2));
} finally {
  await client.end();
  await server.stop();
}
