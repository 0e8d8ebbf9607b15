/** One page of DailyRollup rows for a source, ordered by (day, type), keyset-paginated. */
import type { Db } from "./client.ts";

export interface RollupQuery {
  source: string;
  from: Date;
  to: Date;
  type?: string;
  /** Last (day, type) of the previous page. */
  after?: { day: Date; type: string };
  limit: number;
}

export async function listRollups(db: Db, q: RollupQuery) {
  return db.dailyRollup.findMany({
    where: {
      source: q.source,
      day: { gte: q.from, lte: q.to },
      ...(q.type ? { type: q.type } : {}),
      ...(q.after ? { OR: [{ day: { gt: q.after.day } }, { day: q.after.day, type: { gt: q.after.type } }] } : {}),
    },
    orderBy: [{ day: "asc" }, { type: "asc" }],
    take: q.limit,
    select: { day: true, source: true, type: true, count: true, firstOccurredAt: true, lastOccurredAt: true, updatedAt: true },
  });
}

/** The rollups of a range for every source (or one), for the operator console: at most `limit` rows, by day, source, type. */
export async function rollupTable(db: Db, q: { from: Date; to: Date; source?: string; type?: string; limit: number }) {
  return db.dailyRollup.findMany({
    where: { day: { gte: q.from, lte: q.to }, ...(q.source ? { source: q.source } : {}), ...(q.type ? { type: q.type } : {}) },
    orderBy: [{ day: "desc" }, { source: "asc" }, { type: "asc" }],
    take: q.limit,
    select: { day: true, source: true, type: true, count: true, firstOccurredAt: true, lastOccurredAt: true, updatedAt: true },
  });
}
