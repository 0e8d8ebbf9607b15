/**
 * Backfill: marks every (day, source, type) with events in [from, to) —
 * optionally for one source and/or type — as dirty, so the rollup loop
 * recomputes them. Returns the number of keys marked.
 */
import type { RawSql } from "./client.ts";

export interface BackfillFilter {
  from: Date;
  to: Date;
  source?: string;
  type?: string;
}

export async function markRangeDirty(db: RawSql, f: BackfillFilter): Promise<number> {
  return db.$executeRaw`
    INSERT INTO rollup_dirty_keys (day, source, type)
    SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date, source, type
    FROM events
    WHERE occurred_at >= ${f.from} AND occurred_at < ${f.to}
      AND (${f.source ?? null}::text IS NULL OR source = ${f.source ?? null}::text)
      AND (${f.type ?? null}::text IS NULL OR type = ${f.type ?? null}::text)
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING`;
}
