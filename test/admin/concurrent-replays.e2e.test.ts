// Replays racing over the same dead letters, end to end on the local stack
// (real local queue and database): however many replay requests (by ids, by
// filter) run at once, each letter is claimed by one job and sent once, every
// job ends, and the stage counters equal what happened. Seeded: FUZZ_SEED
// replays another interleaving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi } from "../support/admin-api.ts";
import { type E2eStack, startE2eStack } from "../support/e2e-stack.ts";
import { eventually } from "../support/eventually.ts";
import { prng } from "../support/prng.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const LETTERS = 30;
const REQUESTS = 8;

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack("replay-race");
});
afterAll(() => e2e?.stop());

const api = adminApi(() => e2e.stack);
const admin = async (method: string, path: string, body?: unknown) => {
  const res = await api(method, path, body);
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.body as { id: string; status: string; enqueued: number; skipped: number };
};

const stages = async () =>
  (
    await e2e.sql(
      "SELECT coalesce(sum(accepted), 0)::int AS accepted, coalesce(sum(written), 0)::int AS written, coalesce(sum(duplicates), 0)::int AS duplicates, coalesce(sum(replayed), 0)::int AS replayed FROM stage_counters",
    )
  )[0] as { accepted: number; written: number; duplicates: number; replayed: number };

describe(`concurrent replays over the same letters (seed ${SEED})`, () => {
  it("sends each letter once, ends every job, and counts what happened", async () => {
    const rng = prng(SEED);
    const source = `race-${SEED}`;
    const ids = Array.from({ length: LETTERS }, (_, i) => `${source}-${i}`);
    for (const id of ids) {
      const body = {
        v: 1,
        source,
        id,
        type: "race.t",
        occurredAt: "2026-11-20T12:00:00.000Z",
        receivedAt: "2026-11-20T12:00:00.000Z",
        payload: { id },
      };
      await e2e.sql(
        "INSERT INTO dead_letters (id, key, source, event_type, event_id, body, error_code, error_message) VALUES (gen_random_uuid(), $1, $2, 'race.t', $3, $4, 'sqlstate_23514', 'refused')",
        [`${source}/${id}`, source, id, body],
      );
    }
    const letterIds = (await e2e.sql("SELECT id FROM dead_letters WHERE source = $1", [source])).map((r) => r.id as string);
    const before = await stages();

    // Mixed selections in a seeded order: all ids, a random subset, or the filter; all sent at once.
    const selections = Array.from({ length: REQUESTS }, () => {
      const kind = rng.int(3);
      if (kind === 0) return { ids: letterIds };
      if (kind === 1) return { ids: letterIds.filter(() => rng.next() < 0.6).concat(letterIds[0]!) };
      return { filter: { source } };
    });
    const jobs = await Promise.all(
      selections.map(async (s) => {
        let job = await admin("POST", "/dead-letters/replay", s);
        while (job.status === "running") job = await admin("POST", `/replay-jobs/${job.id}/continue`);
        return job;
      }),
    );

    expect(jobs.map((j) => j.status)).toEqual(Array(REQUESTS).fill("succeeded"));
    expect(jobs.reduce((n, j) => n + j.enqueued, 0)).toBe(LETTERS);
    const letters = await e2e.sql("SELECT status, replay_count FROM dead_letters WHERE source = $1", [source]);
    expect(letters.map((l) => [l.status, l.replay_count])).toEqual(Array(LETTERS).fill(["replayed", 1]));
    const rows = await eventually(
      () => e2e.sql("SELECT id FROM events WHERE source = $1", [source]),
      (r) => r.length === LETTERS,
      60_000,
      200,
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const after = await stages();
    expect({
      accepted: after.accepted - before.accepted,
      written: after.written - before.written,
      duplicates: after.duplicates - before.duplicates,
      replayed: after.replayed - before.replayed,
    }).toEqual({ accepted: 0, written: LETTERS, duplicates: 0, replayed: LETTERS });
    expect(await e2e.sql("SELECT id FROM replay_jobs WHERE status = 'running'")).toEqual([]);
  });
});
