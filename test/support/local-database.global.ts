// globalSetup for the workers project: one real local database for the run;
// its URLs reach the Worker's bindings through `inject` (vitest.config.ts).
import type { TestProject } from "vitest/node";
import { startLocalDatabase } from "./local-database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    poolUrl: string;
    directUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await startLocalDatabase();
  project.provide("poolUrl", db.poolUrl);
  project.provide("directUrl", db.directUrl);
  return () => db.stop();
}
