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
import { LIMITS } from "../../shared/config/limits.ts";

/** The UTC calendar day of a timestamptz expression: the rollup key's day. */
export const utcDay = (expr: string) => `((${expr}) AT TIME ZONE 'UTC')::date`;

/** How far an event's occurrence may lie after its receipt (the producer refuses more): a receipt is never earlier than occurrence minus this. */
export const RECEIPT_LEAD_SQL = `interval '${LIMITS.maxFutureSkewSeconds} seconds'`;

/** The stage counters' columns (stage_counters, which eventline_count_stages adds to), in the order operators read them. */
export const STAGES = ["accepted", "written", "duplicates", "expired", "retried", "dead_lettered", "replayed"] as const;
export type Stage = (typeof STAGES)[number];
