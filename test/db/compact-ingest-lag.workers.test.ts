// compactIngestLag on the real local database: old hours' shards fold into
// one row per bucket, hours past a week into hour -infinity, and no count or
// sum is lost (a metric built on the totals only goes up).
import { describe, expect, it } from "vitest";
import { compactIngestLag } from "../../src/consumer/db/compact-ingest-lag.ts";
import { db } from "../support/worker-db.ts";

const totals = async () =>
  (
    await db().$queryRawUnsafe<{ n: number; s: number }[]>(
      "SELECT coalesce(sum(count), 0)::float8 AS n, coalesce(sum(sum_seconds), 0)::float8 AS s FROM ingest_lag WHERE hour < now() - interval '3 hours'",
    )
  )[0]!;

describe("compactIngestLag", () => {
  it("folds old rows and keeps every count and sum", async () => {
    // Three shards in an hour 5 hours ago, two in an hour 10 days ago, in two buckets each.
    for (const [ago, shards] of [
      ["5 hours", [11, 12, 13]],
      ["10 days", [21, 22]],
    ] as const) {
      for (const shard of shards) {
        await db().$executeRawUnsafe(
          `INSERT INTO ingest_lag (hour, shard, bucket, count, sum_seconds)
           SELECT date_trunc('hour', now() - interval '${ago}'), $1, b, 2, 1.5 FROM unnest(ARRAY[0, 5]) b
           ON CONFLICT (hour, shard, bucket) DO UPDATE SET count = ingest_lag.count + 2, sum_seconds = ingest_lag.sum_seconds + 1.5`,
          shard,
        );
      }
    }
    const before = await totals();
    await compactIngestLag(db());
    expect(await totals()).toEqual(before);
    const left = await db().$queryRawUnsafe<{ hour: string; shard: number }[]>(
      "SELECT hour::text, shard FROM ingest_lag WHERE hour < now() - interval '3 hours' AND (shard <> -1 OR (hour <> '-infinity' AND hour < now() - interval '7 days'))",
    );
    expect(left).toEqual([]);
  });
});
