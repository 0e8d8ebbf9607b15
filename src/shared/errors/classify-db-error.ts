/**
 * Decides, from error codes only, whether a failed database write is worth
 * retrying, for both shapes a failure takes here: node-postgres's (the
 * SQLSTATE in `code`, beside `severity`: the consumer's statements) and
 * Prisma's over @prisma/adapter-pg (P2010 with the SQLSTATE under
 * meta.driverAdapterError.cause.originalCode: the admin API and cron). The rule: a failure is permanent only when the data itself is at
 * fault (SQLSTATE classes 22 data exception, 23 integrity constraint
 * violation and 54 program limit exceeded; Prisma's data-validation codes). Anything
 * about the pool, network, configuration or schema is retryable — retrying
 * keeps the message, and a message that never succeeds still ends in the
 * dead-letter queue after max_retries. Unknown errors are therefore retryable.
 *
 * A database that cannot be reached is `database_unavailable`: a socket error
 * code (Node's errno), a SQLSTATE of class 08 (connection), 57P01–03 (shut
 * down) or 53300 (too many connections), or node-postgres's own connection
 * errors, which carry no code at all: a connect or query deadline passed, or
 * the connection ended ("Connection terminated …", "Query read timeout"), so
 * those are told by their message, the only thing pg gives them.
 *
 * Pure: reads properties, imports nothing from Prisma.
 */
import { PermanentError } from "./permanent-error.ts";
import { RetryableError } from "./retryable-error.ts";

/** SQLSTATE classes where the row's data is to blame. */
const PERMANENT_SQLSTATE_CLASSES = new Set(["22", "23", "54"]);

/** The code of every failure that means the database cannot be reached now. */
export const DATABASE_UNAVAILABLE_CODE = "database_unavailable";
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND"]);
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** Prisma request codes where the data is to blame (P2010 is decided by its SQLSTATE). */
const PERMANENT_PRISMA_CODES = new Set([
  "P2000",
  "P2002",
  "P2003",
  "P2004",
  "P2005",
  "P2006",
  "P2007",
  "P2011",
  "P2012",
  "P2019",
  "P2020",
  "P2023",
  "P6005",
]);

/** Driver-adapter error kinds where the data is to blame. */
const PERMANENT_ADAPTER_KINDS = new Set([
  "UniqueConstraintViolation",
  "NullConstraintViolation",
  "ForeignKeyConstraintViolation",
  "ValueOutOfRange",
  "InconsistentColumnData",
  "LengthMismatch",
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  /** node-postgres's DatabaseError has one; its `code` is then a SQLSTATE. */
  severity?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown; code?: unknown } } };
}

export type ClassifiedError = RetryableError | PermanentError;

export function classifyDbError(err: unknown): ClassifiedError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as ErrorShape;
  const message = err instanceof Error ? err.message : String(err);
  const prismaCode = typeof e.code === "string" && /^P\d{4}$/.test(e.code) ? e.code : undefined;
  const cause = e.meta?.driverAdapterError?.cause;
  const pgCode = typeof e.severity === "string" ? e.code : undefined;
  const sqlstate = [pgCode, cause?.originalCode, cause?.code].find((c): c is string => typeof c === "string" && /^[0-9A-Z]{5}$/.test(c));
  const kind = typeof cause?.kind === "string" ? cause.kind : undefined;

  if (
    (sqlstate && UNAVAILABLE_SQLSTATE.test(sqlstate)) ||
    (typeof e.code === "string" && UNAVAILABLE_ERRNO.has(e.code)) ||
    kind === "DatabaseNotReachable" ||
    prismaCode === "P1001" ||
    (!sqlstate && !kind && !prismaCode && PG_CONNECTION_MESSAGE.test(message))
  )
    return new RetryableError(message, { code: DATABASE_UNAVAILABLE_CODE, cause: err });
  if (sqlstate) {
    const code = `sqlstate_${sqlstate}`;
    return PERMANENT_SQLSTATE_CLASSES.has(sqlstate.slice(0, 2))
      ? new PermanentError(message, { code, cause: err })
      : new RetryableError(message, { code, cause: err });
  }
  if (kind) {
    return PERMANENT_ADAPTER_KINDS.has(kind)
      ? new PermanentError(message, { code: `adapter_${kind}`, cause: err })
      : new RetryableError(message, { code: `adapter_${kind}`, cause: err });
  }
  if (prismaCode) {
    return PERMANENT_PRISMA_CODES.has(prismaCode)
      ? new PermanentError(message, { code: prismaCode, cause: err })
      : new RetryableError(message, { code: prismaCode, cause: err });
  }
  const name = typeof e.name === "string" ? e.name : "Error";
  return new RetryableError(message, { code: name === "TypeError" ? "network_error" : `unclassified_${name}`, cause: err });
}
