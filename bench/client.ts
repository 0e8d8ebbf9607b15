// bench/client: events/s through @eventline/client against hand-written
// batched fetch of the same events, in the same run (goal: ≥ 90%), and the
// sender's CPU per event. Two targets:
//   - the local stack's producer (POST /v1/events on both Workers, the real
//     local queue, consumer and database running; each run drained);
//   - a sink: a separate process that accepts every event at once, so that
//     what is left is the senders' own cost.
// Both senders send 100-event batches with 4 requests in flight. The
// hand-written one builds each body with JSON.stringify and checks the 202;
// the client is used as documented: send() per event, then close(), which
// also gives each event an id, a timestamp and an outcome.
//
//   npm run bench:client [-- --events 20000 --rounds 5]
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Eventline } from "@eventline/client";
import pg from "pg";
import { spawnProcessGroup } from "../scripts/lib/process-group.ts";
import { generateApiKey } from "../src/shared/auth/api-keys.ts";
import { sha256Hex } from "../src/shared/auth/sha256.ts";
import { startBenchStack } from "./lib/bench-stack.ts";
import { startDatabaseProcess } from "./lib/database-process.ts";
import { median } from "./lib/events.ts";
import { waitForEvents } from "./lib/wait-for-events.ts";

process.once("SIGINT", () => process.exit(130));

const { values: args } = parseArgs({ options: { events: { type: "string", default: "20000" }, rounds: { type: "string", default: "5" } } });
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const BATCH = 100;
const IN_FLIGHT = 4;

const PAYLOAD = { user: "u-1", plan: "pro", amount: 12.5, path: "/products/42", note: "x".repeat(200) };
const makeEvents = (tag: string) => Array.from({ length: EVENTS }, (_, i) => ({ type: "bench.client", payload: { ...PAYLOAD, tag, i } }));

type Sender = (url: string, apiKey: string, events: ReturnType<typeof makeEvents>) => Promise<void>;

const handWritten: Sender = async (url, apiKey, events) => {
  let next = 0;
  const headers = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
  const worker = async () => {
    while (next < events.length) {
      const chunk = events.slice(next, next + BATCH);
      next += BATCH;
      const res = await fetch(`${url}/v1/events`, { method: "POST", headers, body: JSON.stringify({ events: chunk }) });
      const body = (await res.json()) as { rejected?: unknown[] };
      if (res.status !== 202 || body.rejected?.length)
        throw new Error(`hand-written: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
};

const viaClient: Sender = async (url, apiKey, events) => {
  const client = new Eventline({ url, apiKey, flushAt: BATCH, maxConcurrentRequests: IN_FLIGHT, maxQueueSize: EVENTS });
  const outcomes = events.map((e) => client.send(e));
  await client.close();
  const failed = (await Promise.all(outcomes)).find((o) => o.status !== "accepted");
  if (failed) throw new Error(`client: ${JSON.stringify(failed)}`);
};

interface Run {
  eventsPerSec: number;
  cpuUsPerEvent: number;
}

async function measure(send: Sender, url: string, apiKey: string, tag: string, after?: () => Promise<void>): Promise<Run> {
  const events = makeEvents(tag);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await send(url, apiKey, events);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await after?.();
  return { eventsPerSec: (EVENTS / ms) * 1000, cpuUsPerEvent: (used.user + used.system) / EVENTS };
}

async function startSink(): Promise<{ url: string; stop(): Promise<void> }> {
  const { child, stop } = spawnProcessGroup(join(import.meta.dirname, "lib/ingest-sink-entry.ts"), {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = await once(createInterface({ input: child.stdout! }), "line");
  return { url: (JSON.parse(String(line)) as { url: string }).url, stop };
}

const rows: { target: string; sender: string; runs: Run[] }[] = [];
async function compare(target: string, url: string, apiKey: () => string, after?: () => Promise<void>) {
  const client: Run[] = [];
  const hand: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const order: [Sender, Run[], string][] = [
      [viaClient, client, "client"],
      [handWritten, hand, "hand"],
    ];
    if (round % 2) order.reverse();
    for (const [send, runs, name] of order) {
      const run = await measure(send, url, apiKey(), `${name}-${round}`, after);
      runs.push(run);
      console.error(
        `[bench] ${target} round ${round + 1}: ${name} ${Math.round(run.eventsPerSec)} events/s, ${run.cpuUsPerEvent.toFixed(1)} µs CPU/event`,
      );
    }
  }
  rows.push({ target, sender: "hand-written batched fetch", runs: hand }, { target, sender: "@eventline/client", runs: client });
}

// 1. The sink.
const sink = await startSink();
await compare("sink (sender cost only)", sink.url, () => "unused");
await sink.stop();

// 2. The local stack. Fresh keys per run keep the per-key rate limit (6,000 requests/min) out of the way.
const keys = Array.from({ length: 4 * ROUNDS }, () => generateApiKey());
const database = await startDatabaseProcess();
const { stack, stop } = await startBenchStack({
  database,
  apiKeys: (await Promise.all(keys.map(async (k) => `bench-client:${await sha256Hex(k)}`))).join("\n"),
});
const db = new pg.Client({ connectionString: database.directUrl });
await db.connect();
let sent = 0;
let keyIndex = 0;
// Each run ends when the consumer has written everything (the next run must not share the machine with its tail).
const drain = async () => {
  sent += EVENTS;
  await waitForEvents(db, sent);
};
try {
  await compare("local stack (both Workers, queue, database)", stack.ingestUrl, () => keys[keyIndex++]!, drain);
} finally {
  await db.end();
  await stop();
  await database.stop();
}

console.log(
  `\n${EVENTS} events per run in ${BATCH}-event requests, ${IN_FLIGHT} in flight; median of ${ROUNDS} rounds, senders alternating`,
);
console.log("| target | sender | events/s | vs hand-written | sender CPU µs/event | client overhead µs/event |");
console.log("|---|---|---|---|---|---|");
for (const target of new Set(rows.map((r) => r.target))) {
  const [hand, client] = rows.filter((r) => r.target === target);
  const rate = (r: typeof hand) => median(r!.runs.map((x) => x.eventsPerSec));
  const cpu = (r: typeof hand) => median(r!.runs.map((x) => x.cpuUsPerEvent));
  for (const r of [hand, client]) {
    const isClient = r === client;
    console.log(
      `| ${target} | ${r!.sender} | ${Math.round(rate(r))} | ${isClient ? `**${Math.round((rate(client) / rate(hand)) * 100)}%**` : "100%"} | ${cpu(r).toFixed(1)} | ${isClient ? (cpu(client) - cpu(hand)).toFixed(1) : "–"} |`,
    );
  }
}
console.log(`\n${JSON.stringify(rows)}`);
