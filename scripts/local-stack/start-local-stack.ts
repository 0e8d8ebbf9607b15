// The whole pipeline on one machine, offline: embedded Postgres → local
// Accelerate-protocol endpoint → migrations → wrangler dev (producer, both
// consumers and cron in one process, so the local queue reaches its consumer).
// DIRECT_URL / DATABASE_URL point it at a real Postgres / pool instead.
import { join } from "node:path";
import { applyMigrations } from "../db/migrate.ts";
import { type AccelerateEndpoint, startAccelerateEndpoint } from "./accelerate-endpoint.ts";
import { type DevSecrets, loadDevSecrets } from "./dev-secrets.ts";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.ts";
import { startWranglerDev, type WranglerDev } from "./wrangler-dev.ts";

export interface LocalStackOptions {
  /** Folder for the database, queue state and dev secrets (gitignored). */
  stateDir: string;
  /** In-memory database instead of one under stateDir (tests). */
  ephemeral?: boolean;
  directUrl?: string;
  databaseUrl?: string;
  ports?: { postgres?: number; pool?: number; worker?: number };
  wranglerStdio?: "inherit" | "ignore" | number;
  extraVars?: Record<string, string>;
  wranglerConfig?: string;
  /** The local pool's own log output (its request errors are noisy while a test stops the database on purpose). */
  poolLogLevel?: "off" | "error" | "warn" | "info";
  log?: (line: string) => void;
}

export interface LocalStack {
  ingestUrl: string;
  poolUrl: string;
  directUrl: string;
  secrets: DevSecrets;
  postgres?: EmbeddedPostgres;
  pool?: AccelerateEndpoint;
  worker: WranglerDev;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const say = opts.log ?? (() => {});
  let stack: LocalStack | undefined;
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => {});
  };
  try {
    let postgres: EmbeddedPostgres | undefined;
    let directUrl = opts.directUrl;
    if (!directUrl) {
      postgres = await startEmbeddedPostgres({
        dataDir: opts.ephemeral ? undefined : join(opts.stateDir, "pgdata"),
        port: opts.ports?.postgres ?? 0,
      });
      // Through the returned object, so that a database restarted by a test is the one stopped.
      stoppers.push(() => stack?.postgres?.stop() ?? postgres!.stop());
      directUrl = postgres.url;
      say(`embedded Postgres (PGlite) ready at ${directUrl}`);
    }
    const applied = await applyMigrations(directUrl);
    say(applied.length ? `migrations applied: ${applied.join(", ")}` : "migrations: database is up to date");

    let pool: AccelerateEndpoint | undefined;
    let poolUrl = opts.databaseUrl;
    if (!poolUrl) {
      pool = await startAccelerateEndpoint({ databaseUrl: directUrl, port: opts.ports?.pool ?? 0, logLevel: opts.poolLogLevel });
      stoppers.push(() => pool!.stop());
      poolUrl = pool.url;
      say(`local Accelerate endpoint ready at ${poolUrl}`);
    }

    const secrets = await loadDevSecrets(opts.stateDir);
    const worker = await startWranglerDev({
      port: opts.ports?.worker ?? 8787,
      persistTo: join(opts.stateDir, "wrangler"),
      configPath: opts.wranglerConfig,
      stdio: opts.wranglerStdio,
      vars: { DATABASE_URL: poolUrl, ...secrets.vars, ...opts.extraVars },
    });
    stoppers.push(() => worker.stop());
    stack = { ingestUrl: worker.url, poolUrl, directUrl, secrets, postgres, pool, worker, stop };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
