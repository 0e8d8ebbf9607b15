/**
 * The database functions Eventline defines: src/consumer/db/sql/<name>.sql, one file
 * per function named after it, its only definition, read top to bottom as
 * SQL. A migration carries each one's definition (npm run db:migration:new
 * writes a new one when a file changes), and test/db/functions.test.ts checks
 * that the latest migration of each matches its file.
 * Node tooling only (migrations, tests, benches): the Workers never read this.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), "sql");

/** Each src/consumer/db/sql/<name>.sql, its text without a trailing newline, by name. */
const files = readdirSync(SQL_DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort()
  .map((f) => ({ name: f.slice(0, -".sql".length), sql: readFileSync(join(SQL_DIR, f), "utf8").trimEnd() }));

/**
 * The functions in an order a fresh database can create them in: each after
 * the functions its body names (Postgres checks a SQL function's body, which
 * must then find them), otherwise by name.
 */
function inCreationOrder(functions: typeof files) {
  const ordered: typeof files = [];
  const visit = (f: (typeof files)[number], path: readonly string[]) => {
    if (ordered.includes(f)) return;
    if (path.includes(f.name)) throw new Error(`database functions name each other in a cycle: ${[...path, f.name].join(" → ")}`);
    for (const g of functions) if (g !== f && new RegExp(`\\b${g.name}\\(`).test(f.sql)) visit(g, [...path, f.name]);
    ordered.push(f);
  };
  for (const f of functions) visit(f, []);
  return ordered;
}

export const DATABASE_FUNCTIONS: readonly { name: string; sql: string }[] = inCreationOrder(files);
