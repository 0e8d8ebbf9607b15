// Child process: embedded Postgres + migrations + local Accelerate endpoint.
// Prints {"directUrl","poolUrl"} as one line when ready; stops on SIGTERM.
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { startAccelerateEndpoint } from "../../scripts/local-stack/accelerate-endpoint.ts";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres.ts";

const postgres = await startEmbeddedPostgres();
await applyMigrations(postgres.url);
const pool = await startAccelerateEndpoint({ databaseUrl: postgres.url, logLevel: "off" });
process.stdout.write(`${JSON.stringify({ directUrl: postgres.url, poolUrl: pool.url })}\n`);
process.once("SIGTERM", async () => {
  await pool.stop();
  await postgres.stop();
  process.exit(0);
});
