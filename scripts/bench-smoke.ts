// npm run bench:smoke: every script in bench/ at tiny sizes, two at a time,
// so that none can rot unnoticed (.ci/run calls it). Sizes small enough
// to measure nothing: it only proves each bench still runs to its end.
// Exits 1 when any bench fails, naming it.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { OFFLINE_ENV } from "./local-stack/offline-env.ts";

/** Each bench's tiny arguments; a new script in bench/ without an entry here fails the smoke run. */
const TINY: Record<string, string[]> = {
  "client.ts": ["--events", "200", "--rounds", "1"],
  "consumer-workerd.ts": ["--repeats", "1", "--queue-calls", "5", "--scale", "0.1"],
  "consumer.ts": ["--rows", "300", "--targets", "real,embedded", "--repeats", "1", "--writers", "1,2", "--batches-per-writer", "2"],
  "end-to-end.ts": ["--requests", "10", "--rounds", "1", "--connections", "2", "--pool-size", "2"],
  "ingest.ts": [
    "--seconds",
    "1",
    "--connections",
    "2",
    "--rounds",
    "1",
    "--batch-requests",
    "10",
    "--configurations",
    "shipped",
    "--settle-ms",
    "100",
  ],
  "insert-function.ts": ["--sizes", "10", "--statements", "3", "--rounds", "1"],
  "lifecycle.ts": ["--events", "2000", "--days", "20", "--repeats", "1", "--lookups", "20", "--write-rows", "400", "--min-statements", "1"],
  "partitioning-migration.ts": ["--events", "2000"],
  "profile-consumer.ts": ["--batches", "5"],
  "profile-producer.ts": ["--requests", "20", "--samples", "1"],
  "profile-workerd.ts": ["--requests", "20"],
  "rollup.ts": ["--events", "2000", "--repeats", "1"],
  "rollup-definitions.ts": ["--events", "2000", "--repeats", "1", "--write-rows", "400", "--write-rounds", "1"],
  "workers.ts": ["--rounds", "1"],
};

/** Benches at once: at tiny sizes they measure nothing, and most of their time is starting servers and waiting. */
const CONCURRENCY = 2;

const scripts = readdirSync("bench").filter((f) => f.endsWith(".ts"));
const failed: string[] = [];
const started = performance.now();
const queue = [...scripts];
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let script = queue.shift(); script !== undefined; script = queue.shift()) {
      const args = TINY[script];
      if (!args) {
        console.error(`[bench:smoke] ${script}: no tiny arguments in scripts/bench-smoke.ts`);
        failed.push(script);
        continue;
      }
      const t0 = performance.now();
      const code = await run(`bench/${script}`, args);
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      console.error(`[bench:smoke] ${script} ${args.join(" ")}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${s} s`);
      if (code !== 0) failed.push(script);
    }
  }),
);
console.error(
  `[bench:smoke] ${scripts.length - failed.length} of ${scripts.length} ran in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
if (failed.length) {
  console.error(`[bench:smoke] failed: ${failed.join(", ")}`);
  process.exit(1);
}

/** Runs one bench in its own process group (its servers go with it), its output kept for a failure. */
function run(script: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...OFFLINE_ENV },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => out.push(b));
    child.on("exit", (code) => {
      if (code !== 0) process.stderr.write(Buffer.concat(out).subarray(-8000));
      resolve(code ?? 1);
    });
  });
}
