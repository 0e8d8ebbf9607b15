// Prisma CLI configuration. The CLI (generate, migrate deploy on a connected
// machine) talks to Postgres directly through DIRECT_URL from .env — never
// through the Hyperdrive binding the Worker uses.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // Optional here so that `prisma generate` works without a database.
    url: process.env.DIRECT_URL ?? "postgresql://postgres:postgres@127.0.0.1:54329/postgres",
  },
});
