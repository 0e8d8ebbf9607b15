/**
 * The second step of taking a partition out (maintain-events.ts): drops the
 * tables maintenance runs detached, one statement — one transaction — each,
 * so the filesystem's unlinking of a partition's files never holds `events`
 * or the ledger. A run stops after `max`; the next cron run drops the rest.
 */
import type { RawSql } from "./client.ts";

const SQL = "SELECT eventline_drop_expired_table() AS name";

/** Answers the names of the tables dropped, oldest name first. */
export async function dropExpiredTables(db: RawSql, max = 50): Promise<string[]> {
  const dropped: string[] = [];
  while (dropped.length < max) {
    const [row] = await db.$queryRawUnsafe<{ name: string | null }[]>(SQL);
    if (!row?.name) break;
    dropped.push(row.name);
  }
  return dropped;
}
