// The real local database for tests: embedded Postgres (in memory) with the
// checked-in migrations applied offline. The Workers reach it through their
// Hyperdrive binding, which locally connects straight to it.
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres.ts";

export interface LocalDatabase {
  directUrl: string;
  stop(): Promise<void>;
}

export async function startLocalDatabase(): Promise<LocalDatabase> {
  const pg = await startEmbeddedPostgres();
  try {
    await applyMigrations(pg.url);
    return { directUrl: pg.url, stop: () => pg.stop() };
  } catch (err) {
    await pg.stop();
    throw err;
  }
}
