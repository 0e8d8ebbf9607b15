/**
 * What retention means for readers of events, by the rules of the partitions
 * (db/maintain-events.ts). Pure.
 *
 * Partitions are receipt days, rollups are occurrence days. An event occurs
 * at most LIMITS.maxFutureSkewSeconds (one day) after it is received, so the
 * events of occurrence day D were all received on D - 1 or later: D's events
 * are complete only if nothing received from D - 1 on has been dropped.
 */
import { LIMITS } from "../config/limits.ts";
import { DAY_MS } from "../lib/time.ts";

const SKEW_DAYS = Math.ceil((LIMITS.maxFutureSkewSeconds * 1000) / DAY_MS);

/** The first occurrence day (00:00 UTC) whose events are all still kept, given the receipt time before which events were dropped. */
export function firstCompleteDay(expiredBefore: Date | null): Date | null {
  if (expiredBefore === null) return null;
  const day = Math.ceil(expiredBefore.getTime() / DAY_MS) * DAY_MS;
  return new Date(day + SKEW_DAYS * DAY_MS);
}

/**
 * When the cron next drops a partition: the day after the oldest kept day
 * (its first instant, `oldestKept`) has been out of retention for a whole day.
 * Null without retention or without a partition to drop.
 */
export function nextDropDay(oldestKept: Date | null, retentionDays: number | null): Date | null {
  if (retentionDays === null || oldestKept === null) return null;
  const dayStart = Math.floor(oldestKept.getTime() / DAY_MS) * DAY_MS;
  return new Date(dayStart + (retentionDays + 1) * DAY_MS);
}
