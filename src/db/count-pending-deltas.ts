import type { RawSql } from "./client.ts";

/** How many rollup keys have deltas waiting for a run (a key counts once, whatever its shards). */
export async function countPendingDeltas(db: RawSql): Promise<number> {
  const [r] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT DISTINCT day, source, type FROM rollup_deltas) k`;
  return r?.n ?? 0;
}
