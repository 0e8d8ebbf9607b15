#!/usr/bin/env node
// eventline-ops — the operators' CLI for the admin API.
//   npm run ops -- <command> [options]      (see --help on every command)
// Exit codes: 0 ok, 1 request failed, 2 usage, 3 not found, 4 not authorized, 5 rejected by the API.
import { readFile } from "node:fs/promises";
import { Presets, SingleBar } from "cli-progress";
import { Command, CommanderError, Option } from "commander";
import { DEAD_LETTER_STATUSES } from "../../src/consumer/admin/dead-letter-filter.ts";
import type { BackfillReport } from "../../src/consumer/rollups/run-backfill.ts";
import type { ReplayJob } from "../../src/generated/prisma-node/client.ts";
import { DAY_MS } from "../../src/shared/lib/time.ts";
import { AdminClient, CliError, EXIT } from "./admin-client.ts";
import { keyValues, lagLine, lifecycleLine, table } from "./format.ts";

const program = new Command("eventline-ops")
  .description("Inspect events and dead letters, replay and discard them, run rollup backfills.")
  .addOption(new Option("--url <url>", "the consumer Worker's base URL (its admin API)").env("EVENTLINE_URL"))
  .addOption(new Option("--token <token>", "admin token").env("EVENTLINE_ADMIN_TOKEN"))
  .option("--json", "machine-readable JSON output")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const client = () => {
  const o = program.opts<{ url?: string; token?: string }>();
  return new AdminClient(o.url, o.token);
};
const asJson = () => Boolean(program.opts().json);
const print = (data: unknown, human: () => string) => console.log(asJson() ? JSON.stringify(data, null, 2) : human());
const progress = (label: string) =>
  asJson() || !process.stderr.isTTY
    ? null
    : new SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr }, Presets.shades_classic);

const filterOptions = (cmd: Command) =>
  cmd
    .option("--source <source>", "event source")
    .option("--type <type>", "event type")
    .option("--code <code>", "error code")
    .addOption(new Option("--status <status>", "status").choices([...DEAD_LETTER_STATUSES]))
    .option("--from <iso>", "last failure at or after (ISO 8601)")
    .option("--to <iso>", "last failure before (ISO 8601)");
const filterOf = (o: Record<string, string | undefined>) =>
  Object.fromEntries(
    Object.entries({ source: o.source, type: o.type, code: o.code, status: o.status, from: o.from, to: o.to }).filter(
      ([, v]) => v !== undefined,
    ),
  );
const selectionOf = (o: Record<string, string | undefined>) =>
  o.ids ? { ids: o.ids.split(",").map((s) => s.trim()) } : { filter: filterOf(o) };

const events = program.command("events").description("look up stored events");
events
  .command("get <source> <id>")
  .description("one event as stored (exit 3 when absent, 6 when it was stored and retention dropped it)")
  .action(async (source: string, id: string) => {
    const e = await client().get<Record<string, unknown>>(`/events/${encodeURIComponent(source)}/${encodeURIComponent(id)}`);
    print(e, () => keyValues(e));
  });

const dlq = program.command("dlq").description("dead letters");
filterOptions(dlq.command("ls").description("list dead letters, newest first, with counts by error code"))
  .option("--limit <n>", "page size", "50")
  .option("--cursor <cursor>", "next page (from a previous --json output)")
  .action(async (o) => {
    const r = await client().get<{
      deadLetters: Record<string, unknown>[];
      countsByCode: Record<string, number>;
      total: number;
      nextCursor: string | null;
    }>("/dead-letters", { ...filterOf(o), limit: o.limit, cursor: o.cursor });
    print(r, () =>
      [
        table(r.deadLetters, ["id", "source", "eventType", "eventId", "errorCode", "status", "attempts", "lastFailedAt"]),
        "",
        `total ${r.total}; by code: ${
          Object.entries(r.countsByCode)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ") || "-"
        }`,
        ...(r.nextCursor ? [`more: --cursor ${r.nextCursor}`] : []),
      ].join("\n"),
    );
  });

dlq
  .command("show <id>")
  .description("one dead letter in full, original body included")
  .action(async (id: string) => {
    const r = await client().get<Record<string, unknown>>(`/dead-letters/${encodeURIComponent(id)}`);
    print(r, () => keyValues(r));
  });

filterOptions(dlq.command("replay").description("re-enqueue dead letters (by --ids or filter; a filter without --status means pending)"))
  .option("--ids <ids>", "comma-separated dead-letter ids")
  .option("--dry-run", "show what would be replayed")
  .action(async (o) => {
    const c = client();
    if (o.dryRun) {
      const r = await c.post<{ count: number; sample: Record<string, unknown>[] }>("/dead-letters/replay", {
        ...selectionOf(o),
        dryRun: true,
      });
      return print(
        r,
        () =>
          `${r.count} dead letter(s) would be replayed\n${table(r.sample, ["id", "source", "eventType", "eventId", "errorCode", "status"])}`,
      );
    }
    type Job = Pick<ReplayJob, "id" | "status" | "total" | "enqueued" | "skipped" | "error">;
    let job = await c.post<Job>("/dead-letters/replay", selectionOf(o));
    const bar = progress("replay");
    bar?.start(job.total, job.enqueued + job.skipped);
    while (job.status === "running") {
      job = await c.post<Job>(`/replay-jobs/${job.id}/continue`);
      bar?.update(job.enqueued + job.skipped);
    }
    bar?.stop();
    print(job, () => keyValues(job));
    if (job.status !== "succeeded") throw new CliError(`replay job ${job.id} ${job.status}: ${job.error ?? ""}`, EXIT.failed);
  });

filterOptions(dlq.command("discard").description("mark dead letters discarded (kept for audit until retention)"))
  .option("--ids <ids>", "comma-separated dead-letter ids")
  .requiredOption("--reason <text>", "why (recorded)")
  .action(async (o) => {
    const r = await client().post<{ discarded: number; notDiscarded?: { id: string; status: string }[] }>("/dead-letters/discard", {
      ...selectionOf(o),
      reason: o.reason,
    });
    const kept = Object.entries(Object.groupBy(r.notDiscarded ?? [], (l) => l.status)).map(([s, ls]) => `${ls!.length} ${s}`);
    print(r, () => `${r.discarded} dead letter(s) discarded${kept.length ? `; not discarded: ${kept.join(", ")}` : ""}`);
  });

const rollup = program.command("rollup").description("daily rollups");
rollup
  .command("backfill")
  .description("recompute rollups for a day range (UTC, inclusive)")
  .requiredOption("--from <day>", "first day, YYYY-MM-DD")
  .requiredOption("--to <day>", "last day, YYYY-MM-DD")
  .option("--source <source>", "only this source")
  .option("--type <type>", "only this type")
  .action(async (o) => {
    const c = client();
    type Report = BackfillReport;
    // Each call recomputes as many days as fit in the server's time budget and says where to resume.
    let r = await c.post<Report>("/rollups/backfill", { from: o.from, to: o.to, source: o.source, type: o.type });
    const days = r.days;
    // Days from nextFrom to --to inclusive.
    const left = (next: string | null) => (next ? Math.round((Date.parse(o.to) - Date.parse(next)) / DAY_MS) + 1 : 0);
    let keys = r.keysDone;
    let rows = r.rows;
    const bar = progress("backfill (days)");
    bar?.start(days, days - left(r.nextFrom));
    while (!r.complete && r.nextFrom) {
      r = await c.post<Report>("/rollups/backfill", { from: r.nextFrom, to: o.to, source: o.source, type: o.type });
      keys += r.keysDone;
      rows += r.rows;
      bar?.update(days - left(r.nextFrom));
    }
    bar?.stop();
    const summary = { days, keys, rows, complete: r.complete };
    print(summary, () => keyValues(summary));
  });

const rollups = program.command("rollups").description("rollups users define (hour or day buckets in a time zone, dimensions, measures)");
rollups
  .command("apply <file>")
  .description('create or replace the definitions a JSON file lists: {"<name>": {definition}, …} (keep it in git)')
  .action(async (file: string) => {
    let listed: Record<string, unknown>;
    try {
      listed = JSON.parse(await readFile(file, "utf8"));
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.usage);
    }
    if (typeof listed !== "object" || listed === null || Array.isArray(listed)) {
      throw new CliError(`${file}: expected an object of definitions by name`, EXIT.usage);
    }
    const c = client();
    const applied: { name: string; outcome: string; state: string; version: number }[] = [];
    for (const [name, definition] of Object.entries(listed)) {
      const before = await c.get<{ version: number }>(`/rollups/${name}`).catch((err) => {
        if (err instanceof CliError && err.exitCode === EXIT.notFound) return null;
        throw err;
      });
      const r = await c.put<{ name: string; version: number; state: string }>(`/rollups/${name}`, definition);
      const outcome = before === null ? "created" : before.version === r.version ? "unchanged" : "replaced";
      applied.push({ name, outcome, state: r.state, version: r.version });
    }
    print(applied, () => table(applied, ["name", "outcome", "state", "version"]));
  });
rollups
  .command("list")
  .description("every definition with its state")
  .action(async () => {
    const { rollups: all } = await client().get<{ rollups: Record<string, unknown>[] }>("/rollups");
    print(all, () => table(all, ["name", "granularity", "timeZone", "state", "rows", "skipped", "lastRunAt", "lastError"]));
  });
rollups
  .command("show <name>")
  .description("one definition, its state and coverage")
  .action(async (name: string) => {
    const r = await client().get<Record<string, unknown>>(`/rollups/${name}`);
    print(r, () => keyValues(r));
  });
rollups
  .command("delete <name>")
  .description("delete a definition and its data")
  .action(async (name: string) => {
    await client().delete(`/rollups/${name}`);
    print({ deleted: name }, () => `rollup ${name} deleted`);
  });

program
  .command("stats")
  .description("counts per stage, dead letters by status, rollup state, the last hour's ingest → row lag, the events' life cycle")
  .action(async () => {
    const { ingestLagLastHour, eventLifecycle, ...s } = await client().get<
      Record<string, unknown> & { ingestLagLastHour: Parameters<typeof lagLine>[0]; eventLifecycle: Parameters<typeof lifecycleLine>[0] }
    >("/stats");
    print({ ...s, ingestLagLastHour, eventLifecycle }, () =>
      keyValues({ ...s, "ingest lag (last hour)": lagLine(ingestLagLastHour), "event life cycle": lifecycleLine(eventLifecycle) }),
    );
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  if (err instanceof CliError) {
    console.error(`error: ${err.message}`);
    process.exit(err.exitCode);
  }
  throw err;
}
