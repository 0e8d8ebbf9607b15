/**
 * The ingest → row lag histogram's buckets: the consumer's statement files
 * each written event under the first bound its lag is below (its copy of the
 * bounds is in db/sql/eventline_lag_bucket.sql; test/db/functions.test.ts
 * proves the two equal), GET /metrics exposes them cumulatively, and the
 * console estimates quantiles from them. Pure.
 */

/** Upper bounds in seconds; the last bucket (index = length) is everything slower. */
export const LAG_BUCKET_BOUNDS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

/**
 * The q-quantile (0–1) of a histogram given per-bucket counts (not cumulative;
 * index = LAG_BUCKET_BOUNDS_SECONDS index, the last one the overflow), by
 * linear interpolation inside the bucket it falls in. Null without events; the
 * overflow bucket answers its lower bound (all that is known).
 */
export function lagQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : LAG_BUCKET_BOUNDS_SECONDS[i - 1]!;
      const upper = LAG_BUCKET_BOUNDS_SECONDS[i];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - seen)) / n;
    }
    seen += n;
  }
  return LAG_BUCKET_BOUNDS_SECONDS.at(-1)!;
}
