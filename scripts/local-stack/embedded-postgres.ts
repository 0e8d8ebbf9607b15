// The embedded default database: PGlite (Postgres compiled to wasm) served
// over TCP so that every tool — the pool, migrations, psql — sees a normal
// Postgres at a postgres:// URL.
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { SessionQueue } from "./session-queue.ts";

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** `dataDir` undefined → in-memory (tests, throwaway diffs); a path → persists across restarts. */
export async function startEmbeddedPostgres(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: opts.port ?? 0, maxConnections: 64 });
  // Replace the message-by-message queue with one that keeps each protocol cycle whole (see session-queue.ts).
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db);
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  return {
    port,
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
