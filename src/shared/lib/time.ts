/** Milliseconds in a UTC day (no leap seconds in Unix time). */
export const DAY_MS = 86_400_000;

/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;
