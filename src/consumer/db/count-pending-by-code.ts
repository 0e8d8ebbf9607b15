/** Pending dead letters per error code, the `limit` most common; the rest summed under "other" (a metric's labels stay bounded). */
import type { RawSql } from "./client.ts";

const SQL = `
    WITH codes AS (
      SELECT error_code, count(*)::int AS n FROM dead_letters WHERE status = 'pending' GROUP BY error_code
    ), ranked AS (
      SELECT error_code, n, row_number() OVER (ORDER BY n DESC, error_code) AS r FROM codes
    )
    SELECT CASE WHEN r <= $1 THEN error_code ELSE 'other' END AS code, sum(n)::int AS n
    FROM ranked GROUP BY 1 ORDER BY 1`;

export async function countPendingByCode(db: RawSql, limit: number): Promise<Record<string, number>> {
  const rows = await db.$queryRawUnsafe<{ code: string; n: number }[]>(SQL, limit);
  return Object.fromEntries(rows.map((r) => [r.code, Number(r.n)]));
}
