// bench/profile-workerd: where the producer's CPU goes inside workerd itself,
// the runtime that runs it in production, where bench/profile-producer runs
// the same modules under Node. `wrangler dev --env producer` (bundled as for
// a deploy, unminified so that frames keep their names) serves the ingest
// route with the local queue and rate limiter; V8's profiler is driven through
// the inspector wrangler exposes (Chrome DevTools protocol over a WebSocket),
// sampling every 100 µs while 100-event requests are loaded over 10
// connections. Prints the isolate's busy time per request and its top frames
// by self time: the Worker's code (the bundle's functions, hono and zod
// among them) and the runtime's (natives such as fetch, the body's
// arrayBuffer, the bindings' limit and sendBatch).
//
// The profiler itself slows the isolate: the shares are the point, not the
// milliseconds (bench:ingest measures those without it).
//
//   npm run bench:profile-workerd [-- --requests 1000 --top 30]
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../scripts/lib/free-port.ts";
import { stopGroupOnExit } from "../scripts/lib/stop-group-on-exit.ts";
import { OFFLINE_ENV } from "../scripts/local-stack/offline-env.ts";
import { generateApiKey } from "../src/shared/auth/api-keys.ts";
import { sha256Hex } from "../src/shared/auth/sha256.ts";
import { type CpuProfile, summariseProfile } from "./lib/cpu-profile.ts";
import { boundedLoad } from "./lib/load.ts";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "1000" },
    events: { type: "string", default: "100" },
    top: { type: "string", default: "30" },
  },
});
const REQUESTS = Number(args.requests);
const EVENTS = Number(args.events);

const key = generateApiKey();
const [port, inspectorPort] = [await freePort(), await freePort()];
const state = await mkdtemp(join(tmpdir(), "eventline-profile-workerd-"));
// Its own process group, stopped by that id (and on exit, should this script fail first).
const wrangler = spawn(
  "node_modules/.bin/wrangler",
  [
    "dev",
    "--env",
    "producer",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--minify=false",
    "--persist-to",
    state,
    "--var",
    `API_KEYS:bench:${await sha256Hex(key)}`,
  ],
  { env: { ...process.env, ...OFFLINE_ENV }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
);
const forget = stopGroupOnExit(wrangler.pid!);
let output = "";
for (const stream of [wrangler.stdout, wrangler.stderr]) stream.on("data", (d: Buffer) => (output += d));

try {
  await until(
    () => output.includes("Ready on"),
    60_000,
    () => `wrangler dev did not start:\n${output}`,
  );
  const inspector = await connectInspector(inspectorPort);

  let seq = 0;
  const payload = { user: "u-1", plan: "pro", amount: 12.5, path: "/products/42", note: "x".repeat(300) };
  const load = (requests: number) =>
    boundedLoad(
      {
        url: `http://127.0.0.1:${port}/v1/events`,
        connections: 10,
        body: () => JSON.stringify({ events: Array.from({ length: EVENTS }, () => ({ id: `e-${seq++}`, type: "bench.batch", payload })) }),
        headers: () => ({ "content-type": "application/json", authorization: `Bearer ${key}` }),
      },
      requests,
    );
  const warm = await load(Math.min(300, REQUESTS));
  if (warm.non2xx > 0) throw new Error(`the ingest route refused ${warm.non2xx} of ${warm.total} requests:\n${output}`);

  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: 100 });
  await inspector.call("Profiler.start");
  const run = await load(REQUESTS);
  const { profile } = (await inspector.call("Profiler.stop")) as { profile: CpuProfile };
  inspector.close();
  if (run.non2xx > 0) throw new Error(`the ingest route refused ${run.non2xx} of ${run.total} requests`);

  // One bundle, wherever wrangler wrote it: its frames are named by function, and its place is "worker.js".
  for (const n of profile.nodes) if (/\.js$/.test(n.callFrame.url)) n.callFrame.url = "worker.js";
  const summary = summariseProfile(profile, Number(args.top));
  const busyMs = summary.busyMicroseconds / 1000;
  console.log(
    `The producer's isolate in workerd (wrangler dev), ${REQUESTS} requests of ${EVENTS} events over 10 connections, profiler at 100 µs: busy ${(busyMs / REQUESTS).toFixed(2)} ms a request (with the profiler's own cost)`,
  );
  console.log(`\nTop frames by self time (share of busy time)\n| share | frame |\n|---|---|\n${summary.frames}`);
  console.log(`\nBy where the code lives\n| share | place |\n|---|---|\n${summary.places}`);
} finally {
  forget();
  try {
    process.kill(-wrangler.pid!, "SIGINT");
  } catch {}
  await new Promise((resolve) => wrangler.once("exit", resolve).once("error", resolve));
  await rm(state, { recursive: true, force: true });
}

/** The inspector wrangler serves for the Worker: one WebSocket, calls answered by id. */
async function connectInspector(inspectorPort: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  // wrangler's inspector proxy accepts local origins only (DevTools sends one; Node's WebSocket does not unless told).
  const ws = new WebSocket(target!.webSocketDebuggerUrl, { headers: { origin: `http://127.0.0.1:${inspectorPort}` } } as never);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("could not connect to wrangler's inspector")), { once: true });
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return;
    pending.delete(m.id!);
    if (m.error) p.reject(new Error(m.error.message));
    else p.resolve(m.result);
  });
  let id = 0;
  return {
    call: (method: string, params: object = {}) =>
      new Promise<unknown>((resolve, reject) => {
        pending.set(++id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

async function until(ok: () => boolean, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline || wrangler.exitCode !== null) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
