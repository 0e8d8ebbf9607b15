// The real local database for tests: embedded Postgres (in memory), the
// checked-in migrations applied offline, and the local Accelerate endpoint.
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { startAccelerateEndpoint } from "../../scripts/local-stack/accelerate-endpoint.ts";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres.ts";

export interface LocalDatabase {
  directUrl: string;
  poolUrl: string;
  stop(): Promise<void>;
}

export async function startLocalDatabase(): Promise<LocalDatabase> {
  const pg = await startEmbeddedPostgres();
  try {
    await applyMigrations(pg.url);
    const pool = await startAccelerateEndpoint({ databaseUrl: pg.url, logLevel: "off" });
    return {
      directUrl: pg.url,
      poolUrl: pool.url,
      async stop() {
        await pool.stop();
        await pg.stop();
      },
    };
  } catch (err) {
    await pg.stop();
    throw err;
  }
}
