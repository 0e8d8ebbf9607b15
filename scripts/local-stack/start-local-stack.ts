// The whole pipeline on one machine, offline: embedded Postgres → migrations →
// both Workers in one local runtime (producer, consumers and cron; the local
// queue crosses between them), the consumer's HYPERDRIVE binding pointed
// straight at the database (the local binding does not pool).
// DIRECT_URL points it at a real Postgres instead.
import { join, resolve } from "node:path";
import { applyMigrations } from "../db/migrate.ts";
import { type DevSecrets, loadDevSecrets } from "./dev-secrets.ts";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.ts";
import { type LocalWorkers, startWorkers } from "./workers-process.ts";

export interface LocalStackOptions {
  /** Folder for the database and dev secrets (gitignored). */
  stateDir: string;
  /** In-memory database instead of one under stateDir (tests). */
  ephemeral?: boolean;
  directUrl?: string;
  /** What the consumer's HYPERDRIVE binding connects to, if not the database itself (a transaction-mode pooler, as Hyperdrive is). */
  hyperdriveUrl?: string;
  ports?: { postgres?: number; ingest?: number; ops?: number };
  /** Where the Workers' output goes: "inherit" for npm run dev, a file descriptor or "ignore" for tests. */
  workersStdio?: "inherit" | "ignore" | number;
  /** Var overrides per Worker (e.g. LOG_LEVEL). */
  vars?: { producer?: Record<string, string>; consumer?: Record<string, string> };
  /** API_KEYS for both Workers instead of the dev key's line (benchmarks use many keys). */
  apiKeys?: string;
  /** SIGNING_SECRETS for the producer (`<source>:<secret>` per line): sources that must sign their requests. */
  signingSecrets?: string;
  /** Another wrangler config than ./wrangler.toml (tests with fewer retries, the benchmark's build). */
  wranglerConfig?: string;
  /** Reload the Workers when src/ changes (npm run dev). */
  watch?: boolean;
  log?: (line: string) => void;
}

export interface LocalStack {
  ingestUrl: string;
  opsUrl: string;
  /** What the consumer's HYPERDRIVE binding connects to (locally: the database itself). */
  directUrl: string;
  secrets: DevSecrets;
  postgres?: EmbeddedPostgres;
  workers: LocalWorkers;
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
    // wrangler's local Hyperdrive refuses a URL without a password ("You must provide a password"): say so up front.
    if (!new URL(directUrl).password)
      throw new Error(
        `DIRECT_URL needs a password for the consumer's local Hyperdrive binding (postgresql://user:password@host/db): ${new URL(directUrl).host}`,
      );
    const applied = await applyMigrations(directUrl);
    say(applied.length ? `migrations applied: ${applied.join(", ")}` : "migrations: database is up to date");

    const secrets = await loadDevSecrets(opts.stateDir);
    const apiKeys = opts.apiKeys ?? secrets.vars.API_KEYS;
    const workers = await startWorkers(
      {
        configPath: opts.wranglerConfig ?? resolve("wrangler.toml"),
        ports: { ingest: opts.ports?.ingest ?? 8787, ops: opts.ports?.ops ?? 8788 },
        // Each Worker gets only its own secrets: the producer never sees the database or the admin token.
        secrets: {
          producer: { API_KEYS: apiKeys, ...(opts.signingSecrets ? { SIGNING_SECRETS: opts.signingSecrets } : {}) },
          consumer: {
            API_KEYS: apiKeys,
            ADMIN_TOKEN_SHA256: secrets.vars.ADMIN_TOKEN_SHA256,
            CONSOLE_SESSION_SECRET: secrets.vars.CONSOLE_SESSION_SECRET,
          },
        },
        hyperdrive: opts.hyperdriveUrl ?? directUrl,
        vars: opts.vars,
        watch: opts.watch,
      },
      { stdio: opts.workersStdio },
    );
    stoppers.push(() => workers.stop());
    stack = { ingestUrl: workers.ingestUrl, opsUrl: workers.opsUrl, directUrl, secrets, postgres, workers, stop };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
