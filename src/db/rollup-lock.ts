/**
 * The rollup lock, a Postgres advisory lock. A backfill takes it exclusively
 * before its snapshot (a batch transaction: lock statement, then the work), so
 * no rollup run can apply a delta between the backfill reading the pending
 * deltas and writing the rows it recomputed. Rollup runs take it shared
 * inside their single statement: they never wait for each other. Consumers
 * never take it.
 */
import type { RawSql } from "./client.ts";

/** The advisory lock's key, shared by backfills (exclusive) and runs (shared): any bigint no other code uses. */
export const ROLLUP_LOCK_KEY = 7_040_001;

/**
 * Runs `statement` in a transaction that first takes the rollup lock
 * exclusively. JIT is off for it: on the backfill's aggregate Postgres spent
 * ~20 ms compiling per statement and got nothing back (bench/rollup).
 */
export async function underExclusiveRollupLock<T>(db: RawSql, statement: PromiseLike<T>): Promise<T> {
  const [, result] = await db.$transaction([
    // pg_advisory_xact_lock returns void, which the client cannot decode: hence ::text. set_config(…, true) is SET LOCAL.
    db.$queryRaw`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK_KEY}::bigint)::text, set_config('jit', 'off', true)`,
    statement,
  ]);
  return result as T;
}
