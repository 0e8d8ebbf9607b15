/**
 * The rollup lock: the row lock of the single row of rollup_lock. A backfill
 * takes it exclusively (FOR UPDATE) before its snapshot (a batch transaction:
 * lock statement, then the work), so no rollup run can apply a delta between
 * the backfill reading the pending deltas and writing the rows it
 * recomputed. Rollup runs take it shared (FOR SHARE) inside their single
 * statement: they never wait for each other. Consumers never take it. A row
 * lock, not an advisory lock: Hyperdrive does not support advisory locks, and
 * a row lock lives exactly as long as its transaction.
 */
import type { RawSql } from "./client.ts";

/** A condition that holds once this statement holds the rollup lock shared (for a WHERE clause). */
export const SHARED_ROLLUP_LOCK = "EXISTS (SELECT 1 FROM rollup_lock WHERE id = 1 FOR SHARE)";

/**
 * Runs `statement` in a transaction that first takes the rollup lock
 * exclusively. JIT is off for it: on the backfill's aggregate Postgres spent
 * ~20 ms compiling per statement and got nothing back (bench/rollup).
 */
export async function underExclusiveRollupLock<T>(db: RawSql, statement: PromiseLike<T>): Promise<T> {
  const [, result] = await db.$transaction([
    // set_config(…, true) is SET LOCAL: it ends with the transaction, as Hyperdrive's transaction pooling requires.
    db.$queryRaw`SELECT 1 AS locked, set_config('jit', 'off', true) AS jit FROM rollup_lock WHERE id = 1 FOR UPDATE`,
    statement,
  ]);
  return result as T;
}
