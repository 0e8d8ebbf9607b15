// The end of a pipeline run: the consumer has written every event it was
// handed, polled on the benchmark's own connection to the database.
import type pg from "pg";

/** The number of rows in `events`. */
export async function eventRows(db: pg.ClientBase): Promise<number> {
  return Number((await db.query("SELECT count(*)::int AS n FROM events")).rows[0].n);
}

/** Waits until `events` holds at least `n` rows; throws after `timeoutMs`. */
export async function waitForEvents(db: pg.ClientBase, n: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let rows = await eventRows(db); rows < n; rows = await eventRows(db)) {
    if (Date.now() > deadline) throw new Error(`the consumer wrote ${rows} of ${n} events within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
