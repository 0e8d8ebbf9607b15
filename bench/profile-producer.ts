// bench/profile-producer: where the producer's CPU goes, before changing
// code. The producer's fetch handler (the benchmark's build: the production
// entry plus bench/worker's baseline routes, the same modules the Worker
// runs) under Node, on 100-event requests (and single events) as upstream
// services send them, against the enqueue-only route in the same run: the
// binding calls an ingest request makes and nothing else. The bindings are
// Node stand-ins that accept at once (a queue whose sendBatch resolves, a
// rate limiter that allows): what is measured is the Worker's own code, the
// part a deployment pays per CPU millisecond. CPU per request is the Node
// process's (process.cpuUsage), median of 5 interleaved samples; then V8's
// profiler (100 µs) on the ingest route: the top frames by self time.
//
//   npm run bench:profile-producer [-- --requests 2000 --events 100]
import { parseArgs } from "node:util";
import type { ProducerEnv } from "../src/producer/producer-env.ts";
import { generateApiKey } from "../src/shared/auth/api-keys.ts";
import { sha256Hex } from "../src/shared/auth/sha256.ts";
import { setLogLevel } from "../src/shared/lib/log.ts";
import { profiled } from "./lib/cpu-profile.ts";
import { median } from "./lib/events.ts";
import producer from "./worker/bench-entry.ts";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    events: { type: "string", default: "100" },
    samples: { type: "string", default: "5" },
    top: { type: "string", default: "15" },
  },
});
const REQUESTS = Number(args.requests);
const EVENTS = Number(args.events);
const SAMPLES = Number(args.samples);

setLogLevel("warn");
const key = generateApiKey();
let sent = 0;
const env = {
  EVENTS_QUEUE: {
    send: async () => {},
    sendBatch: async (messages: Iterable<unknown>) => {
      for (const _ of messages) sent++;
    },
  },
  INGEST_RATE_LIMITER: { limit: async () => ({ success: true }) },
  API_KEYS: `bench:${await sha256Hex(key)}`,
  LOG_LEVEL: "warn",
} as unknown as ProducerEnv;
const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;

const PAYLOAD = { user: "u-1", plan: "pro", amount: 12.5, path: "/products/42", note: "x".repeat(300) };
let seq = 0;
const body = (n: number) =>
  n === 1
    ? JSON.stringify({ id: `s-${seq++}`, type: "bench.single", payload: PAYLOAD })
    : JSON.stringify({ events: Array.from({ length: n }, () => ({ id: `b-${seq++}`, type: "bench.batch", payload: PAYLOAD })) });

/** `REQUESTS` request bodies of `n` events: made before a sample, their making is not the producer's. */
const bodies = (n: number) => Array.from({ length: REQUESTS }, () => body(n));

/** One request per body to `path`; CPU ms per request. */
async function cpuPerRequest(path: string, bodies: string[]): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (const b of bodies) {
    const res = await producer.fetch(
      new Request(`http://producer${path}`, {
        method: "POST",
        body: b,
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      }),
      env,
      ctx,
    );
    if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / REQUESTS;
}

const routes = { ingest: "/v1/events", enqueueOnly: "/__bench/enqueued" };
for (const n of [EVENTS, 1]) {
  await cpuPerRequest(routes.ingest, bodies(n)); // warm: modules compiled, the API_KEYS secret parsed, as in a warm isolate
  await cpuPerRequest(routes.enqueueOnly, bodies(n));
  const ms = { ingest: [] as number[], enqueueOnly: [] as number[] };
  for (let s = 0; s < SAMPLES; s++) {
    ms.ingest.push(await cpuPerRequest(routes.ingest, bodies(n)));
    ms.enqueueOnly.push(await cpuPerRequest(routes.enqueueOnly, bodies(n)));
  }
  const [i, e] = [median(ms.ingest), median(ms.enqueueOnly)];
  console.log(
    `${n}-event requests, ${REQUESTS} per sample, median of ${SAMPLES}: ingest ${i.toFixed(3)} ms CPU each, enqueue only ${e.toFixed(3)} ms (ingest's own code ${(i - e).toFixed(3)} ms, ${(i / e).toFixed(2)}×)`,
  );
}
if (sent === 0) throw new Error("nothing was sent to the queue");

const measured = bodies(EVENTS);
const { summary } = await profiled(() => cpuPerRequest(routes.ingest, measured), Number(args.top));
console.log(
  `\nThe ingest route, ${EVENTS}-event requests: top frames by self time (share of busy time)\n| share | frame |\n|---|---|\n${summary.frames}`,
);
console.log(`\nBy where the code lives\n| share | place |\n|---|---|\n${summary.places}`);
