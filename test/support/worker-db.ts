// Reads what the Worker wrote, from inside workerd, through the same binding
// the Worker uses (HYPERDRIVE): the real local database, not a copy. One
// connection per test file: workerd ties sockets to the file's context.
import { env } from "cloudflare:workers";
import { type Database, loadPrisma, openDatabase } from "../../src/consumer/db/client.ts";

export const testEnv = env;
await loadPrisma();

let shared: Database | undefined;
const database = () => {
  shared ??= openDatabase(testEnv);
  return shared;
};
/** Prisma on the test file's connection. */
export const db = () => database().prisma;
/** node-postgres on the same connection (what the consumer's statements take). */
export const sql = () => database().pg;

export async function eventsFor(source: string) {
  return db().event.findMany({ where: { source }, orderBy: { id: "asc" } });
}

export { eventually } from "./eventually.ts";

export { uniq } from "./uniq.ts";
