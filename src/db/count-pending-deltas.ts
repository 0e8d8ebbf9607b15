import type { RawSql } from "./client.ts";

/** How many rollup keys have deltas waiting for a run (a key counts once, whatever its shards): a scalar subquery. */
export const PENDING_ROLLUP_KEYS_SQL = "(SELECT count(*)::int FROM (SELECT DISTINCT day, source, type FROM rollup_deltas) k)";

export async function countPendingDeltas(db: RawSql): Promise<number> {
  const [r] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT ${PENDING_ROLLUP_KEYS_SQL} AS n`);
  return r?.n ?? 0;
}
