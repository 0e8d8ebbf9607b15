// The operators' actions on a real PostgreSQL (Debian package, started here):
// the local stack as `npm run dev` runs it (both Workers, the real local
// queue), its database a PostgreSQL server this file starts, freezes and
// thaws. Replays race replays and discards, by ids and by filter; an outage
// answers 503 quickly; an oversized chunked body answers 413. PGlite runs one
// statement at a time, so these races are only real here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RealPostgres, startRealPostgres } from "../../scripts/lib/real-postgres.ts";
import { adminApi, type Json } from "../support/admin-api.ts";
import { type E2eStack, startE2eStack } from "../support/e2e-stack.ts";
import { prng } from "../support/prng.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);

let server: RealPostgres;
let e2e: E2eStack;
beforeAll(async () => {
  server = await startRealPostgres({ fsync: "off" }); // correctness, not durability
  e2e = await startE2eStack("ops-pg", [], { directUrl: `${server.url}?sslmode=disable` });
}, 180_000);
afterAll(async () => {
  await e2e?.stop();
  await server?.stop();
});

const admin = adminApi(() => e2e.stack);

/** `n` pending letters of valid events of `source`, received at `at`; answers their ids. */
async function letters(source: string, n: number, at = "2026-11-20T12:00:00.000Z"): Promise<string[]> {
  const bodies = Array.from({ length: n }, (_, i) => ({
    v: 1,
    source,
    id: `${source}-${i}`,
    type: "race.t",
    occurredAt: at,
    receivedAt: at,
    payload: { i },
  }));
  await e2e.sql(
    `INSERT INTO dead_letters (id, key, source, event_type, event_id, body, error_code, error_message)
     SELECT gen_random_uuid(), $1 || '/' || (b->>'id'), $1, 'race.t', b->>'id', b, 'sqlstate_23514', 'refused'
     FROM jsonb_array_elements($2::jsonb) b`,
    [source, JSON.stringify(bodies)],
  );
  return (await e2e.sql("SELECT id FROM dead_letters WHERE source = $1 ORDER BY id", [source])).map((r) => r.id as string);
}

/** Starts a replay and continues it until it ends; answers the job. No request may answer 5xx. */
async function replay(selection: Json): Promise<Json> {
  let job = await admin("POST", "/dead-letters/replay", selection);
  while (job.status < 300 && job.body.status === "running") job = await admin("POST", `/replay-jobs/${job.body.id}/continue`);
  expect(job.status, JSON.stringify(job.body)).toBeLessThan(300);
  return job.body;
}

const replayedStage = async () => Number((await e2e.sql("SELECT coalesce(sum(replayed), 0) AS n FROM stage_counters"))[0].n);
const eventRows = (source: string) => e2e.sql("SELECT id, count(*)::int AS n FROM events WHERE source = $1 GROUP BY id", [source]);

describe(`racing replays on PostgreSQL (seed ${SEED})`, () => {
  it.each([1, 2, 3])("send each of 240 letters once, however 8 replays by ids and by filter overlap (round %i)", async (round) => {
    const rng = prng(SEED + round);
    const source = `race-${SEED}-${round}`;
    const ids = await letters(source, 240);
    const before = await replayedStage();
    const selections = Array.from({ length: 8 }, (_, k) =>
      k % 3 === 0 ? { filter: { source } } : { ids: ids.filter(() => rng.next() < 0.7).concat(ids[k]!) },
    );
    const jobs = await Promise.all(selections.map(replay));
    expect(jobs.map((j) => j.status)).toEqual(Array(8).fill("succeeded"));
    expect(jobs.reduce((n, j) => n + j.enqueued, 0)).toBe(240);
    const states = await e2e.sql("SELECT status, replay_count FROM dead_letters WHERE source = $1", [source]);
    expect(states.map((s) => [s.status, s.replay_count])).toEqual(Array(240).fill(["replayed", 1]));
    expect((await replayedStage()) - before).toBe(240);
    await expect.poll(() => eventRows(source).then((r) => r.length), { timeout: 60_000, interval: 250 }).toBe(240);
    expect((await eventRows(source)).every((r) => r.n === 1)).toBe(true);
  });
});

describe("replay racing discard on PostgreSQL", () => {
  it("never replays a letter whose discard answered 200, and ends every letter in one final state", async () => {
    const source = `discard-race-${SEED}`;
    const ids = await letters(source, 800);
    const before = await replayedStage();
    const discardedIds: string[] = [];
    const statuses: number[] = [];
    const discarding = (async () => {
      for (let i = 0; i < ids.length; i += 50) {
        const r = await admin("POST", "/dead-letters/discard", { ids: ids.slice(i, i + 50).filter((_, k) => k % 2 === 0), reason: "race" });
        statuses.push(r.status);
        discardedIds.push(...(r.body.ids ?? []));
      }
    })();
    const [job] = await Promise.all([replay({ filter: { source } }), discarding]);
    expect(new Set(statuses)).toEqual(new Set([200]));

    const states = await e2e.sql("SELECT id, event_id, status FROM dead_letters WHERE source = $1", [source]);
    const byStatus = Object.groupBy(states, (s) => s.status as string);
    // Every discard that answered 200 for a letter holds; every other letter was replayed, once.
    expect(new Set((byStatus.discarded ?? []).map((s) => s.id))).toEqual(new Set(discardedIds));
    expect(byStatus.pending ?? []).toEqual([]);
    expect((byStatus.replayed ?? []).length).toBe(ids.length - discardedIds.length);
    expect(job.enqueued).toBe(ids.length - discardedIds.length);
    expect((await replayedStage()) - before).toBe(job.enqueued);
    // The queue delivers what was replayed, and nothing of what was discarded.
    await expect.poll(() => eventRows(source).then((r) => r.length), { timeout: 60_000, interval: 250 }).toBe(job.enqueued);
    const stored = new Set((await eventRows(source)).map((r) => r.id));
    for (const s of byStatus.discarded ?? []) expect(stored.has(s.event_id)).toBe(false);
  });
});

describe("a database outage", () => {
  it("answers 503 database_unavailable with Retry-After within 6 s, the console a page saying so, /healthz stays up, and recovers alone", async () => {
    const origin = e2e.stack.opsUrl;
    const login = await fetch(`${origin}/console/login`, {
      method: "POST",
      headers: { origin },
      body: new URLSearchParams({ token: e2e.stack.secrets.adminToken, next: "/console" }),
      redirect: "manual",
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    expect((await admin("GET", "/stats")).status).toBe(200);
    server.freeze();
    try {
      const t0 = performance.now();
      const stats = await admin("GET", "/stats");
      const ms = performance.now() - t0;
      expect(stats.status).toBe(503);
      expect(stats.body).toMatchObject({ code: "database_unavailable", retryAfterSeconds: expect.any(Number) });
      expect(Number(stats.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(ms).toBeLessThan(6_500);
      const letters = await admin("GET", "/dead-letters?status=pending");
      expect(letters.status).toBe(503);
      const page = await fetch(`${origin}/console`, { headers: { cookie } });
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toBeTruthy();
      expect(await page.text()).toContain('data-error="database-unavailable"');
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    } finally {
      server.thaw();
    }
    await expect.poll(async () => (await admin("GET", "/stats")).status, { timeout: 30_000, interval: 250 }).toBe(200);
  });
});

describe("an oversized chunked body", () => {
  it.each(["/console/login", "/console/discard", "/console/replay", "/admin/dead-letters/discard"])(
    "answers 413 payload_too_large at %s, never a 5xx",
    async (path) => {
      const chunk = new Uint8Array(256 * 1024).fill(0x61);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 16 * 1024 * 1024) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const res = await fetch(`${e2e.stack.opsUrl}${path}`, {
        method: "POST",
        headers: { origin: e2e.stack.opsUrl, "content-type": "application/x-www-form-urlencoded" },
        body,
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      // The API answers its error body; the console a page saying so.
      if (path.startsWith("/admin")) expect(await res.json()).toMatchObject({ code: "payload_too_large" });
      else expect(await res.text()).toContain("1048576 bytes");
    },
  );
});

describe("a replay into a receipt day past retention", () => {
  it("skips those letters, which stay pending with the code receipt_day_expired, and stores nothing", async () => {
    const source = `expired-${SEED}`;
    const old = await letters(source, 20, "2000-06-01T10:00:00.000Z");
    // The state retention leaves: receipts before 2001 are gone.
    await e2e.sql("UPDATE event_lifecycle SET expired_before = '2001-01-01T00:00:00Z'");
    try {
      const job = await replay({ filter: { source } });
      expect(job).toMatchObject({ status: "succeeded", enqueued: 0, skipped: 20 });
      const states = await e2e.sql("SELECT id, status, error_code FROM dead_letters WHERE source = $1", [source]);
      expect(new Set(states.map((s) => `${s.status}/${s.error_code}`))).toEqual(new Set(["pending/receipt_day_expired"]));
      expect(states.map((s) => s.id).sort()).toEqual([...old].sort());
      const listed = await admin("GET", `/dead-letters?source=${source}&code=receipt_day_expired`);
      expect(listed.body.total).toBe(20);
      expect(await eventRows(source)).toEqual([]);
    } finally {
      await e2e.sql("UPDATE event_lifecycle SET expired_before = NULL");
    }
  });
});
