/** Milliseconds in a UTC day (no leap seconds in Unix time). */
export const DAY_MS = 86_400_000;
