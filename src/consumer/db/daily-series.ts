/** Per-day series for the operator console's charts: one statement each, days in UTC. */
import type { RawSql } from "./client.ts";
import { utcDay } from "./sql-fragments.ts";

export interface DayCount {
  /** YYYY-MM-DD */
  day: string;
  count: number;
}

/** $1 the first day. */
const EVENTS_PER_DAY_SQL = `SELECT to_char(day, 'YYYY-MM-DD') AS day, source, sum(count)::int AS count
     FROM daily_rollups WHERE day >= $1::date GROUP BY day, source ORDER BY day, source`;

/** $1 the first day. */
const DEAD_LETTERS_PER_DAY_SQL = `SELECT to_char(${utcDay("first_failed_at")}, 'YYYY-MM-DD') AS day, count(*)::int AS count
     FROM dead_letters WHERE first_failed_at >= $1::date GROUP BY 1 ORDER BY 1`;

/** Events per day and source since `from` (a UTC day), from the rollups: what the cron has counted. */
export async function eventsPerDayBySource(db: RawSql, from: string): Promise<(DayCount & { source: string })[]> {
  const rows = await db.$queryRawUnsafe<{ day: string; source: string; count: number }[]>(EVENTS_PER_DAY_SQL, from);
  return rows.map((r) => ({ day: r.day, source: r.source, count: Number(r.count) }));
}

/** Dead letters per day of their first failure since `from` (a UTC day), whatever their status now. */
export async function deadLettersPerDay(db: RawSql, from: string): Promise<DayCount[]> {
  const rows = await db.$queryRawUnsafe<{ day: string; count: number }[]>(DEAD_LETTERS_PER_DAY_SQL, from);
  return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
}
