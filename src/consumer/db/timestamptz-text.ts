/**
 * An instant as Postgres reads it. JavaScript writes years past 9999 as
 * "+010000-…", which timestamptz refuses; a range ending after 9999-12-31 has
 * its exclusive bound in year 10000.
 */
export function timestamptzText(d: Date): string {
  return d.toISOString().replace(/^\+0*/, "");
}

/** The UTC calendar day of an instant, as Postgres reads a date. */
export function utcDayText(d: Date): string {
  return timestamptzText(d).slice(0, 10);
}
