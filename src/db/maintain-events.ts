/** One run of the events' life cycle (event-partitions.ts): partitions ahead, retention, the ledger's generations. */
import type { EventLifecycleConfig } from "../config/consumer-env.ts";
import type { RawSql } from "./client.ts";
import { utcDayText } from "./timestamptz-text.ts";

export interface MaintenanceReport {
  /** Partitions created (events days and ledger generations). */
  created: number;
  /** Partitions taken out (expired days, ended generations), awaiting dropExpiredTables. */
  dropped: number;
  /** The ledger's current generation. */
  generation: number;
  /** Whether DEDUPE_WINDOW_DAYS differed from the current generation's window, and the generations ahead were planned anew. */
  replanned: boolean;
}

/** $1 today (a UTC date), $2 days ahead, $3 retention days (null: keep), $4 dedupe window days. */
const SQL = "SELECT eventline_maintain_events($1::date, $2::int, $3::int, $4::int) AS report";

export async function maintainEvents(db: RawSql, today: Date, c: EventLifecycleConfig): Promise<MaintenanceReport> {
  // The function answers jsonb, whose numbers arrive as numbers.
  const [row] = await db.$queryRawUnsafe<{ report: MaintenanceReport }[]>(
    SQL,
    utcDayText(today),
    c.partitionsAheadDays,
    c.retentionDays,
    c.dedupeWindowDays,
  );
  return row!.report;
}
