// Runs `wrangler dev` in its own process group, so that stopping it stops
// workerd and every helper it spawned, and nothing is left behind.
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { OFFLINE_ENV } from "./offline-env.ts";

export interface WranglerDev {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startWranglerDev(opts: {
  port: number;
  vars: Record<string, string>;
  persistTo: string;
  /** Another wrangler config than ./wrangler.toml (tests use one with fewer retries). */
  configPath?: string;
  /** Where wrangler's output goes; "inherit" for npm run dev, a file descriptor or "ignore" for tests. */
  stdio?: "inherit" | "ignore" | number;
  readyTimeoutMs?: number;
}): Promise<WranglerDev> {
  const args = [
    "dev",
    "--port",
    String(opts.port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    opts.persistTo,
    "--show-interactive-dev-session=false",
  ];
  if (opts.configPath) args.push("--config", opts.configPath);
  for (const [k, v] of Object.entries(opts.vars)) args.push("--var", `${k}:${v}`);
  const out = opts.stdio ?? "inherit";
  const child = spawn(resolve("node_modules/.bin/wrangler"), args, {
    detached: true, // own process group: see stop()
    stdio: ["ignore", out, out],
    env: { ...process.env, ...OFFLINE_ENV, FORCE_COLOR: out === "inherit" ? process.env.FORCE_COLOR : "0" },
  });
  const url = `http://127.0.0.1:${opts.port}`;
  // Safety net: if this process exits without stop() (process.exit, an uncaught error), take the group down with it.
  const killGroupOnExit = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
  };
  process.once("exit", killGroupOnExit);
  child.once("exit", () => process.removeListener("exit", killGroupOnExit));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHealthy(`${url}/healthz`, child, opts.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, child, stop };
}

async function waitForHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev was not healthy at ${url} within ${timeoutMs} ms`);
}
