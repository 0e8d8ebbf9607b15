// bench/insert-function: the consumer's insert function as it is
// (src/consumer/db/sql/eventline_insert_events.sql) against an earlier
// definition of it, taken from a migration, on one real PostgreSQL
// (Debian package, started here, fsync on), same database, one warm
// connection, the two alternating round by round: time per statement.
// First deliveries go to the optimistic form, redeliveries (--checked) to the
// checked one. The baseline is the last definition built from TypeScript
// templates (migration 20261205215209), before the function became one SQL file.
// Two more arms on the same batches: the function's pass over the batch for
// its receipt days alone, and a statement that only receives the batch; their
// difference, against the function's time, is what that pass costs.
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
import { receiptDaysPass } from "./lib/insert-variants.ts";

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
  /** Milliseconds per statement of `query` over the literal of `size` new events. */
  const alone = async (query: (batch: string) => string, size: number) => {
    const started = performance.now();
    for (let i = 0; i < STATEMENTS; i++) await client.query(query(jsonbLiteral(makeEvents(size, `s${tag++}`))));
    return (performance.now() - started) / STATEMENTS;
  };
  const arms = {
    current: (size: number) => run("eventline_insert_events", size),
    baseline: (size: number) => run("bench_insert_events_baseline", size),
    days: (size: number) => alone(receiptDaysPass, size),
    received: (size: number) => alone((batch) => `SELECT ${batch} IS NULL`, size),
  };
  type Arm = keyof typeof arms;
  const report = [];
  for (const size of args.sizes.split(",").map(Number)) {
    const times = { current: [], baseline: [], days: [], received: [] } as Record<Arm, number[]>;
    for (const arm of Object.values(arms)) await arm(size);
    for (let round = 0; round < Number(args.rounds); round++) {
      const order = Object.keys(arms) as Arm[];
      for (const arm of round % 2 ? order.reverse() : order) times[arm].push(await arms[arm](size));
    }
    const m = (arm: Arm) => median(times[arm]);
    const row = {
      size,
      form: args.checked ? "checked" : "optimistic",
      baselineMs: m("baseline"),
      currentMs: m("current"),
      ratio: m("current") / m("baseline"),
      receiptDaysPassMs: m("days") - m("received"),
      receiptDaysPassShare: (m("days") - m("received")) / m("current"),
    };
    report.push(row);
    console.error(
      `[bench] ${size} events (${row.form}): baseline ${row.baselineMs.toFixed(2)} ms, current ${row.currentMs.toFixed(2)} ms, current/baseline ${row.ratio.toFixed(3)}; the receipt days' pass ${row.receiptDaysPassMs.toFixed(2)} ms (${(row.receiptDaysPassShare * 100).toFixed(1)}% of current)`,
    );
  }
  console.log(JSON.stringify(report, null, 2));
} finally {
  await client.end();
  await server.stop();
}
