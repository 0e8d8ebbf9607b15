/**
 * The SQL rules more than one statement uses, stated once. The statements
 * are built from these as text at module load — each a module constant, which
 * test/db/sql-text.test.ts checks of every $queryRawUnsafe/$executeRawUnsafe
 * call — and sent with positional parameters (values are always parameters,
 * never text; the consumer's timed statements carry literals built only by
 * timed-statement.ts), so
 * the same text runs through the Worker's client, the Node client and a
 * plain driver (bench/consumer.ts measures exactly what the consumer sends).
 */
import { LIMITS } from "../config/limits.ts";

/** The UTC calendar day of a timestamptz expression: the rollup key's day. */
export const utcDay = (expr: string) => `((${expr}) AT TIME ZONE 'UTC')::date`;

/**
 * A text expression in byte order, for the sorts that give concurrent writers
 * one order to take row locks in: any order the writers share prevents
 * deadlocks, and byte order compares with memcmp where the database's locale
 * would call strcoll for every comparison.
 * Equality is unchanged: a deterministic collation's equal is byte-equal.
 */
const byteOrder = (expr: string) => `${expr} COLLATE "C"`;

/** The order writers of events and the ledger take their keys in: (source, id) of `alias`, in byte order. */
export const keyOrder = (alias: string) => `${byteOrder(`${alias}.source`)}, ${byteOrder(`${alias}.id`)}`;

/** How far an event's occurrence may lie after its receipt (the producer refuses more): a receipt is never earlier than occurrence minus this. */
export const RECEIPT_LEAD_SQL = `interval '${LIMITS.maxFutureSkewSeconds} seconds'`;

/**
 * The shard of a hot row (a rollup delta, a stage counter) a statement writes:
 * its connection's backend pid. A connection runs one statement at a time, so
 * two statements never wait on each other's row, however many consumers write
 * the same key at once; readers sum the shards.
 */
export const SHARD = "pg_backend_pid()";

/** Adds EXCLUDED's delta to a rollup row of `table`: counts add up, the time span widens. */
export const addRollupDelta = (table: string) => `count = ${table}.count + EXCLUDED.count,
        first_occurred_at = LEAST(${table}.first_occurred_at, EXCLUDED.first_occurred_at),
        last_occurred_at = GREATEST(${table}.last_occurred_at, EXCLUDED.last_occurred_at),
        updated_at = now()`;

/** The stage counters' columns (stage_counters), in the order operators read them. */
export const STAGES = ["accepted", "written", "duplicates", "expired", "retried", "dead_lettered", "replayed"] as const;
export type Stage = (typeof STAGES)[number];

/**
 * An INSERT (on its own or in a WITH clause) that adds to today's stage
 * counters, one row in this connection's shard: `counts` maps the stages it
 * bumps to SQL expressions, evaluated over `from` (a FROM clause, optional).
 */
export const countStages = (counts: Partial<Record<Stage, string>>, from = "", shard = SHARD) => {
  const stages = Object.keys(counts) as Stage[];
  return `INSERT INTO stage_counters (day, shard, ${stages.join(", ")})
      SELECT ${utcDay("now()")}, ${shard}, ${stages.map((s) => counts[s]).join(", ")} ${from}
      ON CONFLICT (day, shard) DO UPDATE SET ${stages.map((s) => `${s} = stage_counters.${s} + EXCLUDED.${s}`).join(", ")}`;
};
