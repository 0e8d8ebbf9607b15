// Runs inside the process workers-process.ts starts: both Workers of
// wrangler.toml (producer and consumer environments) in one local runtime,
// through wrangler's programmatic test harness, which takes a config and an
// environment per Worker (wrangler dev applies one --env to every config).
// One runtime means the local queue carries messages from one to the other.
//
// Each Worker gets a port of its own here, as each gets a hostname in
// production: the ingest port reaches the producer, the operations port the
// consumer's fetch (admin API, rollup reads) and, as under wrangler dev,
// /cdn-cgi/handler/scheduled runs its cron handler.
import { watch } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { serve } from "@hono/node-server";
import { createTestHarness, unstable_readConfig } from "wrangler";

export interface WorkersConfig {
  configPath: string;
  ports: { ingest: number; ops: number };
  /** Secret bindings per Worker (never on a command line: they arrive over IPC). */
  secrets: { producer: Record<string, string>; consumer: Record<string, string> };
  /** The database the consumer's HYPERDRIVE binding connects to (a postgres:// URL with a password). */
  hyperdrive: string;
  /** Var overrides per Worker. */
  vars?: { producer?: Record<string, string>; consumer?: Record<string, string> };
  /** Reload both Workers when a file under src/ changes (npm run dev). */
  watch?: boolean;
}

export type WorkersMessage =
  | { type: "ready"; ingestUrl: string; opsUrl: string; producerRuntimeUrl: string }
  | { type: "failed"; error: string };

const send = (m: WorkersMessage) => process.send?.(m);

process.once("message", (config: WorkersConfig) => {
  start(config).catch((err: unknown) => {
    send({ type: "failed", error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
});

async function start(config: WorkersConfig) {
  // wrangler reads the local Hyperdrive target from here before the config's localConnectionString.
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = config.hyperdrive;
  const names = {
    producer: unstable_readConfig({ config: config.configPath, env: "producer" }).name!,
    consumer: unstable_readConfig({ config: config.configPath, env: "consumer" }).name!,
  };
  const harness = createTestHarness({
    workers: [
      { configPath: config.configPath, env: "producer", secrets: config.secrets.producer, vars: config.vars?.producer },
      { configPath: config.configPath, env: "consumer", secrets: config.secrets.consumer, vars: config.vars?.consumer },
    ],
  });
  const runtime = await harness.listen();
  const producer = harness.getWorker(names.producer);
  const consumer = harness.getWorker(names.consumer);

  // Node's Request and miniflare's are both undici's; the casts only reconcile the Workers type declarations this repo compiles with.
  // The body is read here first, up to FORWARDED_BODY_CAP: streamed through, a chunked body the Worker refuses
  // before reading it all (413) made the local runtime fail the exchange ("TypeError: terminated", a 500).
  const forward = (worker: typeof producer) => async (req: Request) =>
    (await worker.fetch(req.url, {
      method: req.method,
      headers: withoutLength(req.headers),
      body: req.body ? await boundedBody(req.body) : undefined,
      redirect: "manual",
    } as never)) as unknown as Response;
  const ingest = await listen(config.ports.ingest, forward(producer));
  const ops = await listen(config.ports.ops, async (req) => {
    const url = new URL(req.url);
    if (url.pathname !== "/cdn-cgi/handler/scheduled") return forward(consumer)(req);
    const result = await consumer.scheduled({ cron: url.searchParams.get("cron") ?? "", scheduledTime: new Date() });
    return new Response(result.outcome === "ok" ? "Ran scheduled event" : `scheduled handler failed: ${result.outcome}`, {
      status: result.outcome === "ok" ? 200 : 500,
    });
  });

  // Worker output (console.log of both Workers) goes to this process's stdout.
  const printLogs = setInterval(() => {
    const logs = harness.getLogs();
    harness.clearLogs();
    for (const l of logs) (l.level === "error" || l.level === "warn" ? console.error : console.log)(l.message);
  }, 100);

  if (config.watch) watchSources(() => harness.update((current) => current));

  const stop = async () => {
    clearInterval(printLogs);
    ingest.close();
    ops.close();
    await harness.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  send({
    type: "ready",
    ingestUrl: `http://127.0.0.1:${ingest.port}`,
    opsUrl: `http://127.0.0.1:${ops.port}`,
    producerRuntimeUrl: runtime.url.origin,
  });
}

/**
 * More than either Worker reads of any request (their limits are 1 MB): a body past it is cut here, and the Worker,
 * seeing more than its limit, answers 413 as it does deployed.
 */
const FORWARDED_BODY_CAP = 8 * 1024 * 1024;

async function boundedBody(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    size += r.value.byteLength;
    if (size > FORWARDED_BODY_CAP) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** The forwarded body has its own length now: chunked framing or a stale length must not go with it. */
function withoutLength(headers: Headers): Headers {
  const out = new Headers(headers);
  out.delete("content-length");
  out.delete("transfer-encoding");
  return out;
}

async function listen(port: number, fetch: (req: Request) => Promise<Response> | Response) {
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch, port, hostname: "127.0.0.1" }, () => ok(s));
  });
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

/** Debounced: an editor's save is often several writes. */
function watchSources(reload: () => Promise<void>) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(resolve("src"), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      reload().then(
        () => console.log("[eventline] src changed: both Workers reloaded"),
        (err: unknown) => console.error(`[eventline] reload failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }, 200);
  });
}
