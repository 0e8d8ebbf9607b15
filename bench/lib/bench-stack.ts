// Both Workers for a benchmark, on the benchmark's database process: state in
// /dev/shm where there is one (the local rate limiter writes SQLite on every
// limit()), the Workers' output in a log file, everything removed on stop.
import { existsSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeEditedWranglerConfig } from "../../scripts/local-stack/edited-wrangler-config.ts";
import { type LocalStack, startLocalStack } from "../../scripts/local-stack/start-local-stack.ts";
import type { DatabaseProcess } from "./database-process.ts";

/** The wrangler.toml edit that serves the benchmark's build of the producer (bench/worker/bench-entry.ts: the production entry plus the baseline routes). */
export const BENCH_PRODUCER: [RegExp, string] = [
  /^main = ".*\/src\/producer\/index\.ts"$/m,
  `main = ${JSON.stringify(resolve(import.meta.dirname, "../worker/bench-entry.ts"))}`,
];

export const STATE_ROOT = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

export async function startBenchStack(opts: {
  database: Pick<DatabaseProcess, "directUrl">;
  apiKeys: string;
  /** Where the consumer's HYPERDRIVE binding connects (a pooler); the database's own URL when absent. */
  hyperdriveUrl?: string;
  /** Rewrites of wrangler.toml lines for this stack only. */
  edits?: [RegExp, string][];
  /** Var overrides per Worker. */
  vars?: { producer?: Record<string, string>; consumer?: Record<string, string> };
}): Promise<{ stack: LocalStack; stop(): Promise<void> }> {
  const stateDir = await mkdtemp(join(STATE_ROOT, "eventline-bench-"));
  const log = await open(join(stateDir, "workers.log"), "w");
  const stack = await startLocalStack({
    stateDir,
    directUrl: opts.database.directUrl,
    ports: { ingest: 0, ops: 0 },
    workersStdio: log.fd,
    wranglerConfig: opts.edits?.length ? await writeEditedWranglerConfig(stateDir, opts.edits) : undefined,
    apiKeys: opts.apiKeys,
    hyperdriveUrl: opts.hyperdriveUrl,
    vars: opts.vars,
  });
  return {
    stack,
    async stop() {
      await stack.stop();
      await log.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
