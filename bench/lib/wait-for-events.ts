// The end of a pipeline run: the consumer has written every event it was
// handed, polled on the benchmark's own connection to the database.
//
// Polled from the stage counters the consumer's statement keeps (a few rows
// a day), not by counting `events`: a count(*) of a table that grows by
// hundreds of thousands of rows a round is itself a scan of all of them,
// every 20 ms, on the cores the pipeline being measured shares.
import type pg from "pg";

/** How many rows the consumer's statements have written into `events` so far. */
export async function eventsWritten(db: pg.ClientBase): Promise<number> {
  return Number((await db.query("SELECT coalesce(sum(written), 0)::bigint AS n FROM stage_counters")).rows[0].n);
}

/** Waits until the statements have written at least `n` rows; throws after `timeoutMs`. */
export async function waitForEvents(db: pg.ClientBase, n: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let rows = await eventsWritten(db); rows < n; rows = await eventsWritten(db)) {
    if (Date.now() > deadline) throw new Error(`the consumer wrote ${rows} of ${n} events within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
