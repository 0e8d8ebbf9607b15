// globalSetup for the client's end-to-end tests, in Node and in workerd alike:
// the local stack as `npm run dev` starts it (with a second, signing source),
// the fault proxy in front of it, and a probe that answers which event ids are
// rows in Postgres (a Worker under test cannot open a database connection).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { sha256Hex } from "../../../src/shared/auth/sha256.ts";
import { startE2eStack } from "../../../test/support/e2e-stack.ts";
import { startFaultProxy } from "./fault-proxy.ts";

const SOURCE = "client";
const KEY = "evl_test_client_0123456789abcdef0123456789abcdef0123";
const SIGNED_SOURCE = "signed-client";
const SIGNED_KEY = "evl_test_signed_client_0123456789abcdef0123456789ab";
const SIGNING_SECRET = "whsec_client_test_0123456789abcdef";

declare module "vitest" {
  export interface ProvidedContext {
    clientStack: {
      ingestUrl: string;
      proxyUrl: string;
      probeUrl: string;
      apiKey: string;
      source: string;
      signed: { apiKey: string; source: string; secret: string };
    };
  }
}

export default async function setup(project: TestProject) {
  const e2e = await startE2eStack("client", [], {
    apiKeys: `${SOURCE}:${await sha256Hex(KEY)}\n${SIGNED_SOURCE}:${await sha256Hex(SIGNED_KEY)}`,
    signingSecrets: `${SIGNED_SOURCE}:${SIGNING_SECRET}`,
  });
  const proxy = await startFaultProxy(e2e.stack.ingestUrl);
  // POST {"ids": [...]} → {"rows": n}: how many of these ids are rows in `events`.
  const probe = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { ids } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { ids: string[] };
    const [row] = await e2e.sql("SELECT count(*)::int AS rows FROM events WHERE id = ANY($1::text[])", [ids]);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ rows: row.rows }));
  });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  project.provide("clientStack", {
    ingestUrl: e2e.stack.ingestUrl,
    proxyUrl: proxy.url,
    probeUrl: `http://127.0.0.1:${(probe.address() as AddressInfo).port}`,
    apiKey: KEY,
    source: SOURCE,
    signed: { apiKey: SIGNED_KEY, source: SIGNED_SOURCE, secret: SIGNING_SECRET },
  });
  return async () => {
    probe.close();
    await proxy.stop();
    await e2e.stop();
  };
}
