/**
 * The consumer's statements carry their own server-side deadline, sent in the
 * same round trip: `SET LOCAL statement_timeout = …; SELECT …`. Hyperdrive
 * pools in transaction mode and resets session state when a connection
 * returns to its pool, so a timeout set at connect time would not reach the
 * statement; a SET in the same simple-protocol query does (Hyperdrive's
 * pooling-mode docs). LOCAL: the statements of one simple query are one
 * implicit transaction, and the settings end with it, so nothing leaks to the
 * next user of a pooled connection (a PgBouncer in transaction mode would
 * otherwise hand a session SET on to another client).
 *
 * The simple protocol takes no parameters, so values travel as literals,
 * built only here and safe by construction: standard_conforming_strings is
 * set (LOCAL) in the same query (a backslash is then an ordinary character in '…'),
 * a quote is doubled, and numbers must be safe integers.
 */

/** A branded statement text: only the helpers below produce one. */
export type TimedQuery = string & { readonly __timed: unique symbol };

/** `statement` (built from module constants and the literals below) run with statement_timeout = `timeoutMs`. */
export function timedQuery(timeoutMs: number, statement: string): TimedQuery {
  return `SET LOCAL statement_timeout = ${integerLiteral(Math.ceil(timeoutMs))}; SET LOCAL standard_conforming_strings = on; ${statement}` as TimedQuery;
}

/** A jsonb literal of `value`'s JSON text. */
export function jsonbLiteral(value: unknown): string {
  return `'${JSON.stringify(value).replaceAll("'", "''")}'::jsonb`;
}

export function integerLiteral(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`not a safe integer: ${n}`);
  return String(n);
}

/** The rows of a timed query's last statement (node-postgres answers a multi-statement query with one result each). */
export function lastRows<T>(result: unknown): T[] {
  const results = (Array.isArray(result) ? result : [result]) as { rows: T[] }[];
  return results.at(-1)?.rows ?? [];
}
