// bench/profile-consumer: where the consumer's CPU goes, before changing
// code. The consumer's queue handler (handleEventBatch, the same modules the
// Worker runs) under Node, on batches packed as the producer packs them
// (Queue<string> bodies), writing to PostgreSQL (Debian package, started
// here) through PgBouncer in transaction mode (a connection per invocation,
// as the Worker opens one, served warm as Hyperdrive serves it), sampled by
// V8's profiler (node:inspector, 100 µs). Prints CPU per invocation and the
// top frames by self time, and by where their code lives.
//
//   npm run bench:profile-consumer [-- --batches 300 --events 100]
import { parseArgs } from "node:util";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { startPgBouncer } from "../scripts/lib/pgbouncer.ts";
import { startRealPostgres } from "../scripts/lib/real-postgres.ts";
import type { ConsumerEnv } from "../src/consumer/consumer-env.ts";
import { handleEventBatch } from "../src/consumer/queues/events-consumer.ts";
import { setLogLevel } from "../src/shared/lib/log.ts";
import { profiled } from "./lib/cpu-profile.ts";
import { makeEvents, packedTexts } from "./lib/events.ts";

const { values: args } = parseArgs({
  options: {
    batches: { type: "string", default: "300" },
    events: { type: "string", default: "100" },
    top: { type: "string", default: "15" },
  },
});
const BATCHES = Number(args.batches);
const EVENTS = Number(args.events);

const server = await startRealPostgres();
const pooler = await startPgBouncer(server.url, { poolSize: 4 });
try {
  await applyMigrations(server.url);
  setLogLevel("warn"); // the batch log line would be the profile's I/O, not the consumer's work
  const env = { DATABASE_URL: pooler.url, LOG_LEVEL: "warn" } as unknown as ConsumerEnv;
  const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;
  let seq = 0;
  const batch = () => {
    const texts = packedTexts(makeEvents(EVENTS, `p${seq++}`));
    const messages = texts.map((body, i) => ({
      id: `m${seq}-${i}`,
      timestamp: new Date(),
      body,
      attempts: 1,
      ack() {},
      retry() {},
    }));
    return { queue: "eventline-events", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>;
  };
  /** CPU ms per invocation over `batches` (built beforehand: their making is not the consumer's). */
  const run = async (batches: MessageBatch<unknown>[]) => {
    const n = batches.length;
    const cpu0 = process.cpuUsage();
    for (const b of batches) {
      const report = await handleEventBatch(b, env, ctx);
      if (report.written !== EVENTS) throw new Error(`wrote ${report.written} of ${EVENTS}: ${JSON.stringify(report)}`);
    }
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / 1000 / n;
  };
  await run(Array.from({ length: Math.min(30, BATCHES) }, batch)); // warm: modules compiled, the pooler's server connections open
  const measured = Array.from({ length: BATCHES }, batch);

  const { result: msPerBatch, summary } = await profiled(() => run(measured), Number(args.top));
  console.log(
    `The consumer's queue handler under Node, ${EVENTS} events per invocation, ${BATCHES} invocations: ${msPerBatch.toFixed(2)} ms CPU each (Node process)`,
  );
  console.log(`\nTop frames by self time (share of busy time)\n| share | frame |\n|---|---|\n${summary.frames}`);
  console.log(`\nBy where the code lives\n| share | place |\n|---|---|\n${summary.places}`);
} finally {
  await pooler.stop();
  await server.stop();
}
