// A throwaway PostgreSQL server from the Debian `postgresql` package, in a
// temp dir on 127.0.0.1, stopped (and deleted) afterwards. The reference
// database for benchmarks and fault tests. Production settings by default
// (fsync on): a benchmark that stands for production measures what
// production pays for durable commits.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";
import { stopGroupOnExit } from "./stop-group-on-exit.ts";

export interface RealPostgres {
  url: string;
  /** The process group the server was started in (the postmaster; each backend below it leads a group of its own): for CPU accounting (bench/lib/process-cpu.ts). */
  pgid: number;
  /** Creates a database of this name on the server and answers its URL (layouts side by side, a diff's own database). */
  createDatabase(name: string): Promise<string>;
  /** Freezes every process of the server (SIGSTOP to its process group): connections are accepted by the kernel, never answered. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
  stop(): Promise<void>;
}

function pgBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

function ensureInstalled(): string {
  let bin = pgBinDir();
  if (!bin && process.getuid?.() === 0) {
    console.error("[bench] installing PostgreSQL (Debian package postgresql)…");
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    spawnSync("apt-get", ["install", "-y", "-qq", "postgresql"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    bin = pgBinDir();
  }
  if (!bin) throw new Error("PostgreSQL server not found: install the Debian package `postgresql` (apt-get install postgresql)");
  return bin;
}

/**
 * `cmd args` as the package's `postgres` user when this process is root:
 * initdb and PgBouncer refuse to run as root. The command and its arguments
 * to spawn.
 */
export function asPostgresUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

export async function startRealPostgres(settings: Record<string, string> = {}): Promise<RealPostgres> {
  const bin = ensureInstalled();
  const dir = await mkdtemp(join(tmpdir(), "eventline-pg-"));
  await chmod(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  execFileSync(...asPostgresUser(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]), {
    stdio: "pipe",
  });
  const opts = { listen_addresses: "127.0.0.1", port: String(port), unix_socket_directories: dir, ...settings };
  const args = Object.entries(opts).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  const child = spawn(...asPostgresUser(join(bin, "postgres"), ["-D", data, ...args]), {
    stdio: "ignore",
    detached: true, // own process group, stopped by id below
  });
  const forgetOnExit = stopGroupOnExit(child.pid!);
  // With a password, which trust authentication ignores: the local Hyperdrive binding refuses a URL without one.
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  while (spawnSync(join(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)]).status !== 0) {
    if (Date.now() > deadline) throw new Error("PostgreSQL did not become ready");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pgid: child.pid!,
    async createDatabase(name: string) {
      const admin = new pg.Client(url);
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await admin.end();
      }
      const db = new URL(url);
      db.pathname = `/${name}`;
      return db.toString();
    },
    freeze: () => process.kill(-child.pid!, "SIGSTOP"),
    thaw: () => process.kill(-child.pid!, "SIGCONT"),
    async stop() {
      forgetOnExit();
      try {
        process.kill(-child.pid!, "SIGCONT"); // a frozen server cannot shut down
      } catch {}
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGINT"); // fast shutdown
      } catch {}
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
