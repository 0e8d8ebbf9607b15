// PgBouncer (the Debian `pgbouncer` package) in transaction mode in front of
// a PostgreSQL, started and stopped here: what Hyperdrive does in production
// (it pools in transaction mode), so that benchmarks and tests see a pooled
// connection the way the Workers will. A server connection serves whichever
// client transaction comes next, so any session state a client leaves (a
// session SET, a named prepared statement, an advisory lock, a temp table)
// is seen by, or breaks, the next client: with `poolSize` 1 every client
// shares one server connection.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";
import { asPostgresUser } from "./real-postgres.ts";
import { stopGroupOnExit } from "./stop-group-on-exit.ts";

const BIN = "/usr/sbin/pgbouncer";

export interface PgBouncer {
  /** The pooled URL of the same database and user as the server URL given. */
  url: string;
  /** Its process group: for CPU accounting (bench/lib/process-cpu.ts). */
  pgid: number;
  stop(): Promise<void>;
}

function ensureInstalled() {
  if (existsSync(BIN)) return;
  if (process.getuid?.() !== 0) throw new Error("PgBouncer not found: install the Debian package `pgbouncer` (apt-get install pgbouncer)");
  spawnSync("apt-get", ["install", "-y", "-qq", "pgbouncer"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (!existsSync(BIN)) throw new Error("PgBouncer could not be installed");
}

export async function startPgBouncer(serverUrl: string, opts: { poolSize?: number } = {}): Promise<PgBouncer> {
  ensureInstalled();
  const server = new URL(serverUrl);
  const dir = await mkdtemp(join(tmpdir(), "eventline-pgbouncer-"));
  await chmod(dir, 0o777);
  const port = await freePort();
  const ini = join(dir, "pgbouncer.ini");
  await writeFile(join(dir, "users.txt"), `"${decodeURIComponent(server.username)}" ""\n`);
  await writeFile(
    ini,
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${opts.poolSize ?? 20}`,
      "max_client_conn = 1000",
      // node-postgres and the local Hyperdrive binding send these at startup; a pooled server connection cannot keep them.
      "ignore_startup_parameters = extra_float_digits,options,application_name",
      `logfile = ${join(dir, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  await chmod(ini, 0o644);
  // PgBouncer refuses to run as root: as root it runs as the `postgres` user, as the server does.
  const child = spawn(...asPostgresUser(BIN, [ini]), {
    stdio: "ignore",
    detached: true, // own process group, stopped by id below
  });
  const forgetOnExit = stopGroupOnExit(child.pid!);
  const url = new URL(serverUrl);
  url.port = String(port);
  // Ready when a query goes through it to the server.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url.toString() });
    c.on("error", () => {});
    const ok = await c.connect().then(
      () => c.query("SELECT 1").then(() => true),
      () => false,
    );
    await c.end().catch(() => {});
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`PgBouncer exited (${child.exitCode}): see ${join(dir, "pgbouncer.log")}`);
    if (Date.now() > deadline) throw new Error("PgBouncer did not become ready");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: url.toString(),
    pgid: child.pid!,
    async stop() {
      forgetOnExit();
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGINT");
      } catch {}
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
