import type { RawSql } from "./client.ts";

/** How many rollup keys are waiting to be recomputed. */
export async function countDirtyKeys(db: RawSql): Promise<number> {
  const [r] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM rollup_dirty_keys`;
  return r?.n ?? 0;
}
