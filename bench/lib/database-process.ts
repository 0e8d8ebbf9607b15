// The embedded database (PGlite) in a child
// process of its own. PGlite runs Postgres as synchronous wasm on its host's
// event loop: hosted in the benchmark's process, every batch the consumer
// writes would stall the load generator, and only during ingest runs, never
// during the bare route's — a bias against the route being measured.
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { spawnProcessGroup } from "../../scripts/lib/process-group.ts";

export interface DatabaseProcess {
  directUrl: string;
  /** Its process group id (= its pid). */
  pgid: number;
  stop(): Promise<void>;
}

const ENTRY = join(import.meta.dirname, "database-process-entry.ts");

export async function startDatabaseProcess(): Promise<DatabaseProcess> {
  const group = spawnProcessGroup(ENTRY, { stdio: ["ignore", "pipe", "inherit"] });
  const child = group.child;
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, "line").then(([l]) => String(l)),
    once(child, "exit").then(([code]) => Promise.reject(new Error(`database process exited with code ${code} before it was ready`))),
  ]);
  const { directUrl } = JSON.parse(first) as { directUrl: string };
  return {
    directUrl,
    pgid: group.pgid,
    stop: group.stop,
  };
}
