/**
 * The database functions Eventline defines, as the source of truth: a
 * migration carries each one's definition (npm run db:migration:new writes a
 * new one when a definition here changes), and test/db/functions.test.ts
 * checks that the latest migration of each matches what is here.
 *
 * A function in src/db/sql/ is written there as SQL, one file per function
 * named after it; one, eventline_insert_events, is still built from a
 * TypeScript template (insert-events.ts).
 * Node tooling only (migrations, tests): the Workers never read this.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { insertEventsFunction } from "./insert-events.ts";

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), "sql");

/** Each src/db/sql/<name>.sql, its text without a trailing newline. */
const sqlFileFunctions = readdirSync(SQL_DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort()
  .map((f) => ({ name: f.slice(0, -".sql".length), sql: readFileSync(join(SQL_DIR, f), "utf8").trimEnd() }));

export const DATABASE_FUNCTIONS: readonly { name: string; sql: string }[] = [
  ...sqlFileFunctions,
  { name: "eventline_insert_events", sql: insertEventsFunction() },
];
