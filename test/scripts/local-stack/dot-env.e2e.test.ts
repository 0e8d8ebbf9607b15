// The local Workers never read .env (wrangler would load it into every Worker
// of the config's folder): settings in a .env beside the config reach neither
// Worker — a metrics token the consumer would accept, signing secrets the
// producer would demand, an admin token and an API key. Each Worker gets only
// the secrets the local stack hands it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeEditedWranglerConfig } from "../../../scripts/local-stack/edited-wrangler-config.ts";
import { type LocalStack, startLocalStack } from "../../../scripts/local-stack/start-local-stack.ts";
import { sha256Hex } from "../../../src/shared/auth/sha256.ts";

const DOTENV_ADMIN_TOKEN = "evla_from_dot_env_0123456789abcdef0123456789ab";
const DOTENV_API_KEY = "evl_from_dot_env_0123456789abcdef0123456789abcd";
const DOTENV_METRICS_TOKEN = "evlm_from_dot_env_0123456789abcdef0123456789a";

let dir: string;
let stack: LocalStack;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eventline-dotenv-"));
  // The config in a folder of its own, beside a .env that wrangler would otherwise load.
  const config = await writeEditedWranglerConfig(dir, [[/^LOG_LEVEL = "info"$/m, 'LOG_LEVEL = "info"']]);
  await writeFile(
    join(dir, ".env"),
    [
      `ADMIN_TOKEN_SHA256=${await sha256Hex(DOTENV_ADMIN_TOKEN)}`,
      `API_KEYS=dotenv:${await sha256Hex(DOTENV_API_KEY)}`,
      `METRICS_TOKEN_SHA256=${await sha256Hex(DOTENV_METRICS_TOKEN)}`,
      // Were it loaded, the local source "dev" would have to sign every request.
      "SIGNING_SECRETS=dev:a-signing-secret-from-dot-env",
      "",
    ].join("\n"),
  );
  stack = await startLocalStack({
    stateDir: dir,
    ephemeral: true,
    ports: { ingest: 0, ops: 0 },
    workersStdio: "ignore",
    wranglerConfig: config,
  });
});
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("local Workers and .env", () => {
  it("ignore a .env beside the config: its admin token and API key open nothing", async () => {
    const stats = (token: string) => fetch(`${stack.opsUrl}/admin/stats`, { headers: { authorization: `Bearer ${token}` } });
    expect((await stats(DOTENV_ADMIN_TOKEN)).status).toBe(401);
    expect((await stats(stack.secrets.adminToken)).status).toBe(200);
    const ingest = await fetch(`${stack.ingestUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${DOTENV_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "t", payload: {} }),
    });
    expect(ingest.status).toBe(401);
  });

  it("keep settings only .env names out of both Workers", async () => {
    const metrics = await fetch(`${stack.opsUrl}/metrics`, { headers: { authorization: `Bearer ${DOTENV_METRICS_TOKEN}` } });
    expect(metrics.status).toBe(401);
    const unsigned = await fetch(`${stack.ingestUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.secrets.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "t", payload: {} }),
    });
    expect(unsigned.status).toBe(202);
  });
});
