/** Everything GET /admin/stats shows, in one statement. */
import type { RawSql } from "./client.ts";
import { PENDING_ROLLUP_KEYS_SQL } from "./count-pending-deltas.ts";
import { STAGES, type Stage, utcDay } from "./sql-fragments.ts";

export { STAGES };
export type StageCounts = Record<Stage, number>;

export interface Stats {
  stages: StageCounts;
  today: StageCounts;
  deadLetters: Record<string, number>;
  oldestPendingDeadLetter: Date | null;
  pendingRollupDeltas: number;
  lastRollupRun: { id: string; kind: string; status: string; startedAt: Date; remaining: number | null } | null;
}

/** The stage counters summed over shards (and days), as one jsonb object. */
const sums = (where: string) =>
  `(SELECT jsonb_build_object(${STAGES.map((s) => `'${s}', coalesce(sum(${s}), 0)`).join(", ")}) FROM stage_counters ${where})`;

const STATS_SQL = `
    SELECT
      ${sums("")} AS stages,
      ${sums(`WHERE day = ${utcDay("now()")}`)} AS today,
      (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM dead_letters GROUP BY status) d) AS dead,
      (SELECT min(first_failed_at) FROM dead_letters WHERE status = 'pending') AS oldest,
      ${PENDING_ROLLUP_KEYS_SQL} AS pending_deltas,
      (SELECT jsonb_build_object('id', id, 'kind', kind, 'status', status, 'startedAt', started_at, 'remaining', remaining)
       FROM rollup_runs ORDER BY started_at DESC LIMIT 1) AS last_run`;

export async function readStats(db: RawSql): Promise<Stats> {
  const [r] =
    await db.$queryRawUnsafe<
      {
        stages: Record<string, number | string>;
        today: Record<string, number | string>;
        dead: Record<string, number> | null;
        oldest: Date | null;
        pending_deltas: number;
        last_run: Stats["lastRollupRun"];
      }[]
    >(STATS_SQL);
  const counts = (o: Record<string, number | string> | undefined) =>
    Object.fromEntries(STAGES.map((s) => [s, Number(o?.[s] ?? 0)])) as StageCounts;
  return {
    stages: counts(r?.stages),
    today: counts(r?.today),
    deadLetters: { pending: 0, replayed: 0, discarded: 0, ...(r?.dead ?? {}) },
    oldestPendingDeadLetter: r?.oldest ?? null,
    pendingRollupDeltas: r?.pending_deltas ?? 0,
    lastRollupRun: r?.last_run ?? null,
  };
}
