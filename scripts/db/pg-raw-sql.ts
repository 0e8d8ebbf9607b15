// The RawSql slice of a Prisma client (src/consumer/db/client.ts) over a plain
// node-postgres connection: the same statement text and parameters, without
// the pool. For benchmarks that separate the SQL's cost from the pool hop,
// and for tests that need many real connections (each its own backend).
import type pg from "pg";
import type { RawSql } from "../../src/consumer/db/client.ts";

export function pgRawSql(client: pg.ClientBase): RawSql {
  // A tagged template's values become $1, $2, … in order, as Prisma numbers them.
  const tagged = (strings: TemplateStringsArray, values: unknown[]) =>
    client.query(
      strings.reduce((q, part, i) => q + (i > 0 ? `$${i}` : "") + part, ""),
      values,
    );
  return {
    $queryRaw: <T>(strings: TemplateStringsArray, ...values: unknown[]) => tagged(strings, values).then((r) => r.rows as T),
    $executeRaw: (strings: TemplateStringsArray, ...values: unknown[]) => tagged(strings, values).then((r) => r.rowCount ?? 0),
    $queryRawUnsafe: <T>(text: string, ...values: unknown[]) => client.query(text, values).then((r) => r.rows as T),
    $executeRawUnsafe: (text: string, ...values: unknown[]) => client.query(text, values).then((r) => r.rowCount ?? 0),
    $transaction: () => Promise.reject(new Error("pgRawSql: batch transactions go through a Prisma client")),
  };
}
