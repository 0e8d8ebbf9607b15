/**
 * Keeps the lag histogram's rows few without losing a count: hours older than
 * the last two fold their shards into shard -1, and hours older than a week
 * fold into one row per bucket at hour -infinity. Totals (all time, and any
 * hour still kept) are unchanged, so a counter built on them only goes up.
 */
import type { RawSql } from "./client.ts";

const SQL = `
    WITH old AS (
      DELETE FROM ingest_lag
      WHERE (shard <> -1 AND hour < date_trunc('hour', now()) - interval '2 hours')
         OR (shard = -1 AND hour < now() - interval '7 days' AND hour <> '-infinity')
      RETURNING hour, bucket, count, sum_seconds
    )
    INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
    SELECT CASE WHEN hour < now() - interval '7 days' THEN '-infinity'::timestamptz ELSE hour END, -1, bucket, sum(count), sum(sum_seconds)
    FROM old GROUP BY 1, 3
    ORDER BY 1, 3
    ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + EXCLUDED.count, sum_seconds = ingest_lag.sum_seconds + EXCLUDED.sum_seconds`;

export async function compactIngestLag(db: RawSql): Promise<number> {
  return db.$executeRawUnsafe(SQL);
}
