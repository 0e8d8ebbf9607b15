import type { RawSql } from "./client.ts";

/** How many rollup deltas are waiting for a run. */
export async function countPendingDeltas(db: RawSql): Promise<number> {
  const [r] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM rollup_deltas`;
  return r?.n ?? 0;
}
