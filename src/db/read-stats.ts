/** Everything GET /admin/stats shows, in one statement. */
import type { RawSql } from "./client.ts";

export interface Stats {
  stages: Record<string, number>;
  today: Record<string, number>;
  deadLetters: Record<string, number>;
  oldestPendingDeadLetter: Date | null;
  pendingRollupDeltas: number;
  lastRollupRun: { id: string; kind: string; status: string; startedAt: Date; remaining: number | null } | null;
}

export async function readStats(db: RawSql): Promise<Stats> {
  const [r] = await db.$queryRaw<
    {
      stages: Record<string, number> | null;
      today: Record<string, number> | null;
      dead: Record<string, number> | null;
      oldest: Date | null;
      pending_deltas: number;
      last_run: Stats["lastRollupRun"];
    }[]
  >`
    SELECT
      (SELECT jsonb_object_agg(stage, n) FROM (SELECT stage, sum(count)::bigint AS n FROM stage_counters GROUP BY stage) s) AS stages,
      (SELECT jsonb_object_agg(stage, count) FROM stage_counters WHERE day = (now() AT TIME ZONE 'UTC')::date) AS today,
      (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM dead_letters GROUP BY status) d) AS dead,
      (SELECT min(first_failed_at) FROM dead_letters WHERE status = 'pending') AS oldest,
      (SELECT count(*)::int FROM rollup_deltas) AS pending_deltas,
      (SELECT jsonb_build_object('id', id, 'kind', kind, 'status', status, 'startedAt', started_at, 'remaining', remaining) FROM rollup_runs ORDER BY started_at DESC LIMIT 1) AS last_run`;
  const stages = { accepted: 0, written: 0, duplicates: 0, retried: 0, dead_lettered: 0, replayed: 0, ...(r?.stages ?? {}) };
  return {
    stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Number(v)])),
    today: Object.fromEntries(Object.entries(r?.today ?? {}).map(([k, v]) => [k, Number(v)])),
    deadLetters: { pending: 0, replayed: 0, discarded: 0, ...(r?.dead ?? {}) },
    oldestPendingDeadLetter: r?.oldest ?? null,
    pendingRollupDeltas: r?.pending_deltas ?? 0,
    lastRollupRun: r?.last_run ?? null,
  };
}
