// Child process: embedded Postgres + migrations. Prints {"directUrl"} as one
// line when ready; stops on SIGTERM.
import { applyMigrations } from "../../scripts/db/migrate.ts";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres.ts";

const postgres = await startEmbeddedPostgres();
await applyMigrations(postgres.url);
process.stdout.write(`${JSON.stringify({ directUrl: postgres.url })}\n`);
process.once("SIGTERM", async () => {
  await postgres.stop();
  process.exit(0);
});
