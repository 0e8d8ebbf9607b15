// Reads what the Worker wrote, from inside workerd, through the same pool
// the Worker uses: the real local database, not a copy.
import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client.ts";

export const testEnv = env;
export const db = () => createDb(testEnv.DATABASE_URL!);

export async function eventsFor(source: string) {
  return db().event.findMany({ where: { source }, orderBy: { id: "asc" } });
}

export { eventually } from "./eventually.ts";

export { uniq } from "./uniq.ts";
