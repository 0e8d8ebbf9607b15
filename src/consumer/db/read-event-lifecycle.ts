/** The events' life cycle as operators see it (stats, console): partitions kept, expiry, the ledger's generations. */
import { ConfigError } from "../../shared/errors/config-error.ts";
import type { RawSql } from "./client.ts";

export interface EventLifecycleState {
  /** Day partitions of events kept (events_history not counted). */
  dayPartitions: number;
  /** The first day of the oldest and the newest day partition. */
  oldestDay: Date | null;
  newestDay: Date | null;
  /** Events received before this are in events_history; null once retention dropped it. */
  historyBefore: Date | null;
  /** Events received before this were dropped by retention; null when none were. */
  expiredBefore: Date | null;
  /** The dedupe ledger's kept generations, oldest first. */
  generations: { generation: number; firstDay: Date; windowDays: number }[];
  maintainedAt: Date | null;
}

const SQL = `
    WITH days AS (
      SELECT eventline_partition_day(c.relname) AS day
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass AND eventline_partition_day(c.relname) IS NOT NULL
    )
    SELECT
      (SELECT count(*) FROM days)::int AS day_partitions,
      (SELECT min(day) FROM days) AS oldest_day,
      (SELECT max(day) FROM days) AS newest_day,
      CASE WHEN to_regclass('events_history') IS NOT NULL THEN l.history_before END AS history_before,
      l.expired_before,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('generation', generation, 'firstDay', first_day, 'windowDays', window_days) ORDER BY generation), '[]')
       FROM event_id_generations) AS generations,
      l.maintained_at
    FROM event_lifecycle l WHERE l.id = 1`;

interface Row {
  day_partitions: number;
  oldest_day: Date | null;
  newest_day: Date | null;
  history_before: Date | null;
  expired_before: Date | null;
  generations: { generation: number; firstDay: string; windowDays: number }[];
  maintained_at: Date | null;
}

export async function readEventLifecycle(db: RawSql): Promise<EventLifecycleState> {
  const [r] = await db.$queryRawUnsafe<Row[]>(SQL);
  if (!r) throw new ConfigError("event_lifecycle has no row: the database is not migrated (npm run db:migrate)");
  return {
    dayPartitions: r.day_partitions,
    oldestDay: r.oldest_day,
    newestDay: r.newest_day,
    historyBefore: r.history_before,
    expiredBefore: r.expired_before,
    generations: r.generations.map((g) => ({ ...g, firstDay: new Date(`${g.firstDay}T00:00:00Z`) })),
    maintainedAt: r.maintained_at,
  };
}

/** Just the receipt time before which events were dropped (null: none were), for refusing backfills over it. */
export async function readExpiredBefore(db: RawSql): Promise<Date | null> {
  const [r] = await db.$queryRawUnsafe<{ expired_before: Date | null }[]>(EXPIRED_BEFORE_SQL);
  return r?.expired_before ?? null;
}

const EXPIRED_BEFORE_SQL = "SELECT expired_before FROM event_lifecycle WHERE id = 1";
