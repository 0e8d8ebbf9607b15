// bench/workers: what each Worker ships and what its startup costs, against
// two references built in the same run:
// - "single Worker before the split": the last commit that shipped one Worker
//   for everything (SINGLE_WORKER_COMMIT), built from git as it was;
// - "combined, current code": today's producer and consumer handlers in one
//   script (bench/worker/combined-entry.ts), so that what the split itself
//   saves is told apart from what other changes saved.
//
// - bundle: `wrangler deploy --dry-run` of each, raw and gzip, as wrangler reports the upload;
// - startup: `wrangler check startup` (a CPU profile of the Worker's startup in
//   the local workerd), ROUNDS rounds with the three Workers interleaved,
//   medians. Two readings of each profile:
//     * "sampled": the samples that caught the Worker running code (not idle),
//       each counted for the profiler's interval (~1.1 ms here);
//     * wrangler's own "Active", which adds to the first such sample the gap
//       before it. That gap (14–21 ms) is the sampler's own start-up: a Worker
//       with an empty fetch handler shows it too, with no code sample at all;
//       it lands on whichever Worker has code running at that moment.
//
//   npm run bench:workers [-- --rounds 9]
import { execFileSync, execSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { OFFLINE_ENV } from "../scripts/local-stack/offline-env.ts";

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "9" } } });
const ROUNDS = Number(args.rounds);

/** The last commit with one Worker for ingest, consumers and cron (src/index.ts). */
const SINGLE_WORKER_COMMIT = "ac5ece6";

const dir = await mkdtemp(join(tmpdir(), "eventline-bench-workers-"));
const WORKERS = [
  { name: "producer", cwd: ".", deploy: ["--env", "producer"] },
  { name: "consumer", cwd: ".", deploy: ["--env", "consumer"] },
  { name: "combined, current code", cwd: ".", deploy: ["--env", "consumer", "bench/worker/combined-entry.ts"] },
  { name: `single Worker before the split (${SINGLE_WORKER_COMMIT})`, cwd: join(dir, "single"), deploy: [] },
];

const wrangler = (wranglerArgs: string[], cwd = ".") =>
  execFileSync(resolve("node_modules/.bin/wrangler"), wranglerArgs, {
    cwd,
    env: { ...process.env, ...OFFLINE_ENV },
    encoding: "utf8",
    stdio: "pipe",
  });

/** Packages the single-Worker commit used that this checkout no longer installs (it ran on Prisma Accelerate). */
const RETIRED_PACKAGES = ["@prisma/extension-accelerate@3.0.1"];

/**
 * The single-Worker commit's sources, with this checkout's node_modules (each
 * package linked, in a folder of the reference's own), the retired packages
 * installed beside them from the registry, and its own generated Prisma client.
 */
async function checkOutSingleWorker(into: string) {
  await mkdir(into);
  execSync(`git archive ${SINGLE_WORKER_COMMIT} src prisma prisma.config.ts wrangler.toml scripts/prisma | tar -x -C ${into}`);
  const retired = join(dir, "retired");
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--prefix", retired, ...RETIRED_PACKAGES], { stdio: "pipe" });
  const modules = join(into, "node_modules");
  await mkdir(join(modules, "@prisma"), { recursive: true });
  for (const name of await readdir(resolve("node_modules"))) {
    if (name === "@prisma") continue;
    await symlink(resolve("node_modules", name), join(modules, name));
  }
  for (const name of await readdir(resolve("node_modules/@prisma")))
    await symlink(resolve("node_modules/@prisma", name), join(modules, "@prisma", name));
  for (const name of await readdir(join(retired, "node_modules/@prisma")))
    if (!(await readdir(join(modules, "@prisma"))).includes(name))
      await symlink(join(retired, "node_modules/@prisma", name), join(modules, "@prisma", name));
  execFileSync(resolve("node_modules/.bin/prisma"), ["generate"], {
    cwd: into,
    stdio: "pipe",
    env: { ...process.env, ...OFFLINE_ENV, PRISMA_SCHEMA_ENGINE_BINARY: join(into, "scripts/prisma/schema-engine-unavailable.sh") },
  });
}

try {
  await checkOutSingleWorker(join(dir, "single"));
  const built = WORKERS.map((w, i) => {
    const bundle = join(dir, `${i}.bundle`);
    const out = wrangler(["deploy", "--dry-run", ...w.deploy, "--outfile", bundle], w.cwd);
    const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(out);
    if (!m) throw new Error(`no upload size in wrangler's output for ${w.name}`);
    return { ...w, bundle, raw: Number(m[1]), gzip: Number(m[2]), active: [] as number[], sampled: [] as number[] };
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (const w of built) {
      const profile = join(dir, "startup.cpuprofile");
      const out = wrangler(["check", "startup", "--worker", w.bundle, "--outfile", profile]);
      const m = /Active: ([\d.]+) ms/.exec(out);
      if (!m) throw new Error(`no startup profile in wrangler's output for ${w.name}`);
      w.active.push(Number(m[1]));
      w.sampled.push(sampledMs(JSON.parse(await readFile(profile, "utf8"))));
    }
    console.error(`[bench] round ${round + 1}: ${built.map((w) => `${w.name} ${w.sampled.at(-1)!.toFixed(1)} ms sampled`).join(", ")}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const reference = built.at(-1)!;
  const current = built.at(-2)!;
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  console.log(
    `\n| Worker | bundle KiB | gzip KiB | startup, sampled ms | vs single Worker | vs combined, current | wrangler "Active" ms | vs single Worker |`,
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const w of built) {
    const [s, a] = [median(w.sampled), median(w.active)];
    console.log(
      `| ${w.name} | ${w.raw.toFixed(0)} | ${w.gzip.toFixed(0)} | ${s.toFixed(1)} | ${pct(s, median(reference.sampled))} | ${pct(s, median(current.sampled))} | ${a.toFixed(1)} | ${pct(a, median(reference.active))} |`,
    );
  }
  console.log(`\nmedians of ${ROUNDS} rounds, the three Workers interleaved in each`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Samples that caught code running (not idle), each counted for the profiler's regular interval, in ms. */
function sampledMs(p: CpuProfile): number {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  // The regular ticks (~1.1 ms); the long gaps are the sampler starting and stopping.
  const ticks = p.timeDeltas.filter((d) => d > 0 && d < 5_000).sort((a, b) => a - b);
  const interval = ticks[Math.floor(ticks.length / 2)] ?? 1_000;
  return (p.samples.filter((s) => !idle.has(s)).length * interval) / 1000;
}
