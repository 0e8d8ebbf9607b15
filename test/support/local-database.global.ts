// globalSetup for the consumer project: one real local database for the run;
// its URL reaches the Worker's HYPERDRIVE binding through `inject` (vitest.config.ts).
import type { TestProject } from "vitest/node";
import { startLocalDatabase } from "./local-database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    directUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await startLocalDatabase();
  project.provide("directUrl", db.directUrl);
  return () => db.stop();
}
