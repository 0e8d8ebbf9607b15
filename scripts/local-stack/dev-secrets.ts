// Local-only credentials, generated once and kept in the gitignored state
// folder so that restarts keep working with the same key.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateApiKey, generateSecret } from "../../src/shared/auth/api-keys.ts";
import { sha256Hex } from "../../src/shared/auth/sha256.ts";

export interface DevSecrets {
  source: string;
  apiKey: string;
  adminToken: string;
  /** Values for the Worker's secret bindings. */
  vars: { API_KEYS: string; ADMIN_TOKEN_SHA256: string; CONSOLE_SESSION_SECRET: string };
}

export async function loadDevSecrets(stateDir: string, source = "dev"): Promise<DevSecrets> {
  const file = join(stateDir, "dev-secrets.json");
  let stored: { apiKey: string; adminToken: string; consoleSessionSecret?: string } | undefined;
  if (existsSync(file)) stored = JSON.parse(await readFile(file, "utf8"));
  // A state folder from before console sessions had their own secret gains one.
  if (!stored?.consoleSessionSecret) {
    stored = {
      apiKey: stored?.apiKey ?? generateApiKey(),
      adminToken: stored?.adminToken ?? generateApiKey().replace("evl_", "evla_"),
      consoleSessionSecret: generateSecret(),
    };
    await mkdir(stateDir, { recursive: true });
    await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return {
    source,
    apiKey: stored.apiKey,
    adminToken: stored.adminToken,
    vars: {
      API_KEYS: `${source}:${await sha256Hex(stored.apiKey)}`,
      ADMIN_TOKEN_SHA256: await sha256Hex(stored.adminToken),
      CONSOLE_SESSION_SECRET: stored.consoleSessionSecret!,
    },
  };
}
