// The embedded database (PGlite + the local Accelerate endpoint) in a child
// process of its own. PGlite runs Postgres as synchronous wasm on its host's
// event loop: hosted in the benchmark's process, every batch the consumer
// writes would stall the load generator, and only during ingest runs, never
// during the bare route's — a bias against the route being measured.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface DatabaseProcess {
  directUrl: string;
  poolUrl: string;
  /** Its process group id (= its pid). */
  pgid: number;
  stop(): Promise<void>;
}

const ENTRY = join(import.meta.dirname, "database-process-entry.ts");

export async function startDatabaseProcess(): Promise<DatabaseProcess> {
  // Own process group, stopped by its id (never by name); killed with us if we exit without stopping it.
  const child = spawn(process.execPath, [ENTRY], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {}
  };
  const onExit = () => killGroup("SIGKILL");
  process.once("exit", onExit);
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, "line").then(([l]) => String(l)),
    once(child, "exit").then(([code]) => Promise.reject(new Error(`database process exited with code ${code} before it was ready`))),
  ]);
  const { directUrl, poolUrl } = JSON.parse(first) as { directUrl: string; poolUrl: string };
  return {
    directUrl,
    poolUrl,
    pgid: child.pid!,
    async stop() {
      process.removeListener("exit", onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
