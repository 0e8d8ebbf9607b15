// Rehearses the partitioning of events on a restored copy of production:
// applies the five partitioning migrations one at a time while a writer sends
// the consumer's statement, and prints how long each step took and how long
// the writer's statements waited. The writer's events (source
// eventline-rehearsal) stay in the copy, which is why it asks for --copy.
//
//   DIRECT_URL=postgres://…/copy npm run db:rehearse-partitioning -- --copy
import { Command } from "commander";
import pg from "pg";
import { applyMigrations } from "./migrate.ts";
import { BEFORE_PARTITIONING, PARTITIONING_STEPS, rehearsePartitioning } from "./partitioning-rehearsal.ts";

export const REHEARSAL_SOURCE = "eventline-rehearsal";

/** What a rehearsal starts from: the partitioning steps the database has applied (none, to start) and its events. */
async function copyState(url: string): Promise<{ applied: string[]; events: number }> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND migration_name = ANY($1)",
      [[...PARTITIONING_STEPS]],
    );
    const [count] = (await client.query<{ n: number }>("SELECT count(*)::float8 AS n FROM events")).rows;
    return { applied: rows.map((r) => r.name), events: count!.n };
  } finally {
    await client.end();
  }
}

const program = new Command("db:rehearse-partitioning")
  .description("apply the partitioning migrations to a copy of production with a writer running, and time each step")
  .option("--copy", "confirm that DIRECT_URL is a copy: the rehearsal writes events into it")
  .action(async (opts: { copy?: boolean }) => {
    const url = process.env.DIRECT_URL;
    if (!url) return program.error("DIRECT_URL is not set: the direct postgres:// URL of the restored copy", { exitCode: 2 });
    if (!opts.copy) return program.error("refusing without --copy: the rehearsal writes events into the database", { exitCode: 2 });
    const { applied, events } = await copyState(url);
    if (applied.length) return program.error(`the database is already partitioned (applied: ${applied.join(", ")})`, { exitCode: 2 });
    await applyMigrations(url, BEFORE_PARTITIONING); // a copy of an older release: bring it to the step before
    console.log(`db:rehearse-partitioning: ${events} events; applying ${PARTITIONING_STEPS.length} steps`);
    const { steps, written, writerErrors } = await rehearsePartitioning(url, REHEARSAL_SOURCE);
    console.log("step\tms\twrites during it\tlongest write (ms)");
    for (const s of steps) console.log(`${s.step}\t${Math.round(s.ms)}\t${s.writes}\t${Math.round(s.longestWriteMs)}`);
    const total = steps.reduce((t, s) => t + s.ms, 0);
    console.log(`total ${Math.round(total)} ms; the writer wrote ${written} events (source ${REHEARSAL_SOURCE})`);
    for (const e of new Set(writerErrors)) console.log(`writer error (retryable, the queue delivers again): ${e}`);
    console.log("the copy is partitioned; `npm run db:migrate` applies the migrations after it");
  });

if (import.meta.main) {
  await program.parseAsync().catch((err: unknown) => {
    console.error("db:rehearse-partitioning: failed:", err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
