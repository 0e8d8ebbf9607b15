import type { RawSql } from "./client.ts";

/** How many rollup keys have deltas waiting for a run (a key counts once, whatever its shards): a scalar subquery. */
export const PENDING_ROLLUP_KEYS_SQL = "(SELECT count(*)::int FROM (SELECT DISTINCT day, source, type FROM rollup_deltas) k)";

const COUNT_SQL = `SELECT ${PENDING_ROLLUP_KEYS_SQL} AS n`;

export async function countPendingDeltas(db: RawSql): Promise<number> {
  const [r] = await db.$queryRawUnsafe<{ n: number }[]>(COUNT_SQL);
  return r?.n ?? 0;
}
