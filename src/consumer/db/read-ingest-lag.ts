/** The ingest → row lag histogram (ingest_lag), summed over shards: per bucket, since `since` (all time without). */
import { LAG_BUCKET_BOUNDS_SECONDS } from "../../shared/lib/lag-buckets.ts";
import type { RawSql } from "./client.ts";

export interface LagHistogram {
  /** Events per bucket (not cumulative), index = LAG_BUCKET_BOUNDS_SECONDS index, the last the overflow. */
  counts: number[];
  sumSeconds: number;
}

const SQL = `
    SELECT bucket, sum(count)::float8 AS n, sum(sum_seconds)::float8 AS s
    FROM ingest_lag WHERE $1::timestamptz IS NULL OR hour >= $1::timestamptz
    GROUP BY bucket`;

export async function readIngestLag(db: RawSql, since?: Date): Promise<LagHistogram> {
  const rows = await db.$queryRawUnsafe<{ bucket: number; n: number; s: number }[]>(SQL, since ?? null);
  const counts = Array<number>(LAG_BUCKET_BOUNDS_SECONDS.length + 1).fill(0);
  let sumSeconds = 0;
  for (const r of rows) {
    counts[Math.min(Number(r.bucket), counts.length - 1)]! += Number(r.n);
    sumSeconds += Number(r.s);
  }
  return { counts, sumSeconds };
}
