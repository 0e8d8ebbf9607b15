// The local stack as `npm run dev` starts it, for end-to-end tests: a temp
// state dir, a database on disk (so a test can restart it), the Workers'
// output in a log file (readable with workersLog()), and a direct SQL helper.
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { writeEditedWranglerConfig } from "../../scripts/local-stack/edited-wrangler-config.ts";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../scripts/local-stack/start-local-stack.ts";

export interface E2eStack {
  stack: LocalStack;
  stateDir: string;
  sql: (q: string, params?: unknown[]) => Promise<any[]>;
  /** What both Workers logged so far. */
  workersLog(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `configEdits` rewrite lines of wrangler.toml for this stack only (e.g. fewer retries); `credentials` replace the dev
 * key's; `directUrl` puts the stack on that database (a real PostgreSQL) instead of the embedded one, and
 * `hyperdriveUrl` the consumer's binding on a pooler in front of it.
 */
export async function startE2eStack(
  name: string,
  configEdits: [RegExp, string][] = [],
  options: Pick<LocalStackOptions, "apiKeys" | "signingSecrets" | "directUrl" | "hyperdriveUrl"> = {},
): Promise<E2eStack> {
  const stateDir = await mkdtemp(join(tmpdir(), `eventline-${name}-`));
  const logPath = join(stateDir, "workers.log");
  const log = await open(logPath, "w");
  const wranglerConfig = configEdits.length ? await writeEditedWranglerConfig(stateDir, configEdits) : undefined;
  const stack = await startLocalStack({
    stateDir,
    ports: { ingest: 0, ops: 0 },
    workersStdio: log.fd,
    wranglerConfig,
    // Redeliveries after 1 s rather than 3–5: a test that waits for one waits for the behaviour, not the delay.
    vars: { consumer: { REDELIVERY_BASE_DELAY_SECONDS: "1" } },
    ...options,
  });
  const sql = async (q: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: stack.directUrl });
    await c.connect();
    try {
      return (await c.query(q, params)).rows;
    } finally {
      await c.end();
    }
  };
  return {
    stack,
    stateDir,
    sql,
    workersLog: () => readFile(logPath, "utf8"),
    async stop() {
      await stack.stop();
      await log.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
