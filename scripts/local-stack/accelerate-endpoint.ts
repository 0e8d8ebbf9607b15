// A local endpoint that speaks the Prisma Accelerate / Prisma Postgres HTTP
// protocol: Prisma's own query-plan executor (the engine behind Prisma
// Postgres) in front of a postgres:// URL. The Worker's client, built with
// `accelerateUrl` + withAccelerate(), talks to it exactly as it talks to
// Accelerate in production.

import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { Server, Temporal } from "@prisma/query-plan-executor";

export interface AccelerateEndpoint {
  /** The pool URL the Worker uses as DATABASE_URL. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

let contextManagerInstalled = false;

export async function startAccelerateEndpoint(opts: {
  databaseUrl: string;
  port?: number;
  logLevel?: "off" | "error" | "warn" | "info" | "debug";
}): Promise<AccelerateEndpoint> {
  if (!contextManagerInstalled) {
    // The executor keeps its per-request logger in an OpenTelemetry context; without a manager every request fails with "No active logger found".
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerInstalled = true;
  }
  const server = await Server.create({
    databaseUrl: opts.databaseUrl,
    // Accelerate's documented defaults: 10 s per query, 15 s per interactive transaction.
    queryTimeout: Temporal.Duration.from({ seconds: 10 }),
    maxTransactionTimeout: Temporal.Duration.from({ seconds: 15 }),
    maxTransactionWaitTime: Temporal.Duration.from({ seconds: 5 }),
    maxResponseSize: 5 * 1024 * 1024,
    perRequestLogContext: { logLevel: opts.logLevel ?? "warn", logFormat: "text" },
  });
  const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: server.fetch, port: opts.port ?? 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    // Any api_key is accepted locally; the client requires one to be present.
    url: `prisma+postgres://localhost:${port}/?api_key=local-dev`,
    async stop() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await server.shutdown();
    },
  };
}
