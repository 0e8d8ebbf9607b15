// The operators' path end to end on the local stack: events fail into the
// dead-letter table, are listed, dry-run, replayed (a second replay finds
// nothing left to do), discarded — through the admin API and through the ops CLI.
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventInput, Eventline } from "@eventline/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../scripts/local-stack/start-local-stack.ts";
import { adminApi } from "../support/admin-api.ts";
import { type E2eStack, startE2eStack } from "../support/e2e-stack.ts";
import { eventually } from "../support/eventually.ts";

let e2e: E2eStack;
let stack: LocalStack;
let sql: E2eStack["sql"];

beforeAll(async () => {
  e2e = await startE2eStack("ops");
  ({ stack, sql } = e2e);
});
afterAll(() => e2e?.stop());

const admin = adminApi(() => stack);
/** Sends through the client library, as an upstream service would; resolves with each event's outcome. */
const ingest = async (events: EventInput[]) => {
  const client = new Eventline({ url: stack.ingestUrl, apiKey: stack.secrets.apiKey });
  const outcomes = await client.send(events);
  await client.close();
  return outcomes;
};
// Asynchronous on purpose: the local pool and database live in this process, so a blocking spawn would deadlock.
const ops = (...args: string[]) =>
  new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      ["scripts/ops/cli.ts", ...args],
      {
        env: { ...process.env, EVENTLINE_URL: stack.opsUrl, EVENTLINE_ADMIN_TOKEN: stack.secrets.adminToken },
        encoding: "utf8",
        timeout: 60_000,
      },
      (err, out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: stderr }),
    );
  });
const until = <T>(fn: () => Promise<T>, ok: (v: T) => boolean) => eventually(fn, ok, 30_000, 200);
const rowsFor = async (prefix: string) =>
  (await sql("SELECT id, count(*)::int AS n FROM events WHERE id LIKE $1 GROUP BY id ORDER BY id", [`${prefix}%`])) as {
    id: string;
    n: number;
  }[];

describe("operators: dead letters, replay, discard, stats (API and CLI)", () => {
  const prefix = `ops-${Date.now()}-`;
  const failing = Array.from({ length: 5 }, (_, i) => ({ id: `${prefix}${i}`, type: "ops.fail", payload: { poison: true, i } }));

  it("dead-letters events the database refuses, and lists them with filters, counts and pages", async () => {
    // Force a permanent failure for these events only (SQLSTATE 23514).
    await sql(`ALTER TABLE events ADD CONSTRAINT e2e_poison CHECK (NOT (payload ? 'poison'))`);
    const outcomes = await ingest([...failing, { id: `${prefix}ok`, type: "ops.ok", payload: {} }]);
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill("accepted"));
    const listed = await until(
      () => admin("GET", "/dead-letters?type=ops.fail&code=sqlstate_23514"),
      (r) => r.body.total === 5,
    );
    expect(listed.body.countsByCode).toEqual({ sqlstate_23514: 5 });
    expect(listed.body.deadLetters.map((d: any) => d.eventId).sort()).toEqual(failing.map((f) => f.id).sort());

    const page1 = await admin("GET", "/dead-letters?type=ops.fail&limit=2");
    const page2 = await admin("GET", `/dead-letters?type=ops.fail&limit=2&cursor=${page1.body.nextCursor}`);
    const page3 = await admin("GET", `/dead-letters?type=ops.fail&limit=2&cursor=${page2.body.nextCursor}`);
    const seen = [...page1.body.deadLetters, ...page2.body.deadLetters, ...page3.body.deadLetters].map((d: any) => d.id);
    expect(new Set(seen).size).toBe(5);
    expect(page3.body.nextCursor).toBeNull();

    const one = await admin("GET", `/dead-letters/${seen[0]}`);
    expect(one.body).toMatchObject({
      status: "pending",
      errorCode: "sqlstate_23514",
      body: { type: "ops.fail", payload: { poison: true } },
    });
    expect((await admin("GET", "/dead-letters/00000000-0000-7000-8000-000000000000")).status).toBe(404);
    expect(await rowsFor(prefix)).toEqual([{ id: `${prefix}ok`, n: 1 }]);
  });

  it("dry-runs a replay without changing anything", async () => {
    const dry = await admin("POST", "/dead-letters/replay", { filter: { type: "ops.fail" }, dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, count: 5 });
    expect((await admin("GET", "/dead-letters?type=ops.fail&status=pending")).body.total).toBe(5);
  });

  it("replays by filter, and again by ids: the second replay sends nothing, each event lands exactly once", async () => {
    await sql("ALTER TABLE events DROP CONSTRAINT e2e_poison");
    const job = await admin("POST", "/dead-letters/replay", { filter: { type: "ops.fail" } });
    expect(job.status).toBe(202);
    expect(job.body).toMatchObject({ status: "succeeded", total: 5, enqueued: 5, skipped: 0 });
    const rows = await until(
      () => rowsFor(prefix),
      (r) => r.length === 6,
    );
    expect(rows.every((r) => r.n === 1)).toBe(true);

    const replayed = await admin("GET", "/dead-letters?type=ops.fail&status=replayed");
    expect(replayed.body.total).toBe(5);
    // Replayed is final: clicking again (or a second operator) finds nothing pending.
    const again = await admin("POST", "/dead-letters/replay", { ids: replayed.body.deadLetters.map((d: any) => d.id) });
    expect(again.body).toMatchObject({ status: "succeeded", total: 0, enqueued: 0 });
    expect((await rowsFor(prefix)).map((r) => r.n)).toEqual([1, 1, 1, 1, 1, 1]);
    const letter = await admin("GET", `/dead-letters/${replayed.body.deadLetters[0].id}`);
    expect(letter.body).toMatchObject({ status: "replayed", replayCount: 1 });
  });

  it("discards pending letters with a reason, keeps them for audit, and says which letters it changed", async () => {
    const replayed = (await admin("GET", "/dead-letters?type=ops.fail")).body.deadLetters.slice(0, 2).map((d: any) => d.id);
    // A replayed letter stays replayed: the answer says so, letter by letter.
    expect((await admin("POST", "/dead-letters/discard", { ids: replayed, reason: "too late" })).body).toEqual({
      discarded: 0,
      ids: [],
      notDiscarded: replayed.map((id: string) => ({ id, status: "replayed" })),
    });
    for (const n of [0, 1])
      await sql(
        "INSERT INTO dead_letters (id, key, source, event_type, event_id, body, error_code, error_message) VALUES (gen_random_uuid(), $1, $2, 'ops.gone', $1, '{}', 'invalid_message', 'unreadable')",
        [`${prefix}gone-${n}`, stack.secrets.source],
      );
    const ids = (await admin("GET", "/dead-letters?type=ops.gone")).body.deadLetters.map((d: any) => d.id);
    expect((await admin("POST", "/dead-letters/discard", { ids })).status).toBe(400); // reason is required
    const r = await admin("POST", "/dead-letters/discard", { ids, reason: "handled by hand" });
    expect(r.body).toEqual({ discarded: 2, ids: expect.arrayContaining(ids), notDiscarded: [] });
    expect((await admin("POST", "/dead-letters/discard", { ids, reason: "again" })).body).toMatchObject({ discarded: 0 });
    const kept = await admin("GET", `/dead-letters/${ids[0]}`);
    expect(kept.body).toMatchObject({ status: "discarded", discardReason: "handled by hand" });
    expect(kept.body.discardedAt).toEqual(expect.any(String));
    // Discarded letters are never replayed.
    expect((await admin("POST", "/dead-letters/replay", { ids, dryRun: true })).body.count).toBe(0);
  });

  it("looks up events and reports stats", async () => {
    expect((await admin("GET", `/events/${stack.secrets.source}/${prefix}0`)).body).toMatchObject({
      type: "ops.fail",
      payload: { poison: true, i: 0 },
    });
    expect((await admin("GET", `/events/${stack.secrets.source}/nope`)).status).toBe(404);
    const stats = (await admin("GET", "/stats")).body;
    expect(stats.stages).toMatchObject({ written: 6, dead_lettered: 5, replayed: 5 });
    // First deliveries that reached a committed write: the healthy event only; replays are counted as replayed, not accepted.
    expect(stats.stages.accepted).toBe(1);
    expect(stats.deadLetters).toEqual({ pending: 0, replayed: 5, discarded: 2 });
  });

  it("refuses a wrong token (401) and an ingest key (403)", async () => {
    expect((await admin("GET", "/stats", undefined, "wrong")).status).toBe(401);
    const r = await admin("GET", "/stats", undefined, stack.secrets.apiKey);
    expect(r).toMatchObject({ status: 403, body: { code: "forbidden" } });
  });

  it("ops CLI: tables for people, --json for scripts, exit codes", async () => {
    const human = await ops("dlq", "ls", "--type", "ops.fail");
    expect(human.code).toBe(0);
    const lines = human.out.split("\n");
    expect(lines[0]).toMatch(/^ID\s+SOURCE\s+EVENTTYPE\s+EVENTID\s+ERRORCODE\s+STATUS\s+ATTEMPTS\s+LASTFAILEDAT$/);
    expect(lines.filter((l) => l.includes("ops.fail"))).toHaveLength(5);
    // Columns line up: every row starts its SOURCE column where the header does.
    const col = lines[0]!.indexOf("SOURCE");
    for (const l of lines.slice(1, 6)) expect(l.slice(col).startsWith(stack.secrets.source)).toBe(true);
    expect(human.out).toContain("by code: sqlstate_23514=5");

    const json = await ops("--json", "dlq", "ls", "--type", "ops.fail");
    expect(JSON.parse(json.out)).toMatchObject({ total: 5, countsByCode: { sqlstate_23514: 5 } });
    const stats = await ops("--json", "stats");
    expect(JSON.parse(stats.out).stages.written).toBe(6);
    const human2 = await ops("stats");
    expect(human2.out).toMatch(/^ingest lag \(last hour\)\s+p50 \d+\.\d\d s, p99 \d+(\.\d\d)? s \(6 events\)$/m);
    expect(human2.out).toMatch(/^event life cycle\s+\d+ day partitions .*; nothing expired; kept for ever; dedupe window 90 days$/m);
    expect((await ops("events", "get", stack.secrets.source, `${prefix}1`)).code).toBe(0);
    expect((await ops("events", "get", stack.secrets.source, "missing")).code).toBe(3);
    expect((await ops("dlq", "discard", "--ids", "x")).code).toBe(2); // --reason missing
    const dry = await ops("dlq", "replay", "--type", "ops.fail", "--status", "replayed", "--dry-run");
    expect(dry.out).toContain("0 dead letter(s) would be replayed"); // replayed is final
    const backfill = await ops("--json", "rollup", "backfill", "--from", "2026-01-01", "--to", "2026-12-31");
    expect(backfill.code).toBe(0);
    expect(JSON.parse(backfill.out)).toMatchObject({ days: 365, complete: true });
    expect((await ops("--token", "wrong", "stats")).code).toBe(4);
    // The state retention leaves behind: the dedupe ledger remembers the id, no partition holds the event.
    await sql("DELETE FROM events WHERE source = $1 AND id = $2", [stack.secrets.source, `${prefix}ok`]);
    const expired = await ops("events", "get", stack.secrets.source, `${prefix}ok`);
    expect(expired.code).toBe(6);
    expect(expired.err).toContain("event_expired");
  });

  it("ops CLI: rollups apply creates, then leaves unchanged, and list, show, delete", async () => {
    const dir = await mkdtemp(join(tmpdir(), "eventline-rollups-"));
    const file = join(dir, "rollups.json");
    await writeFile(
      file,
      JSON.stringify({
        ops_daily: { source: stack.secrets.source, granularity: "day", timeZone: "Asia/Tokyo", measures: { events: "count" } },
      }),
    );
    const first = await ops("--json", "rollups", "apply", file);
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toEqual([{ name: "ops_daily", outcome: "created", state: "backfilling", version: 1 }]);
    const again = await ops("--json", "rollups", "apply", file);
    expect(JSON.parse(again.out)).toEqual([{ name: "ops_daily", outcome: "unchanged", state: expect.any(String), version: 1 }]);
    const list = await ops("rollups", "list");
    expect(list.out).toMatch(/ops_daily\s+day\s+Asia\/Tokyo/);
    expect(JSON.parse((await ops("--json", "rollups", "show", "ops_daily")).out)).toMatchObject({
      name: "ops_daily",
      timeZone: "Asia/Tokyo",
    });
    await writeFile(file, JSON.stringify({ ops_daily: { granularity: "day", timeZone: "Mars/Base", measures: { events: "count" } } }));
    const bad = await ops("rollups", "apply", file);
    expect(bad.code).toBe(5); // rejected by the API
    expect(bad.err).toMatch(/invalid_rollup_definition: timeZone/);
    expect((await ops("rollups", "delete", "ops_daily")).code).toBe(0);
    expect((await ops("rollups", "show", "ops_daily")).code).toBe(3); // not found
  });
});
