/** UTC day arithmetic for rollups. Pure. */
const DAY_MS = 86_400_000;

export function startOfUtcDay(t: Date): Date {
  return new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
}

/**
 * The days a scheduled run recomputes: yesterday and today (UTC), as a
 * half-open range [from, to). Yesterday is included because the nightly run
 * fires just after midnight, when yesterday's last events are still arriving.
 */
export function rollupWindow(scheduledTime: Date): { from: Date; to: Date } {
  const today = startOfUtcDay(scheduledTime);
  return { from: new Date(today.getTime() - DAY_MS), to: new Date(today.getTime() + DAY_MS) };
}
