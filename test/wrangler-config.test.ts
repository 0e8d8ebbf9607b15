// wrangler.toml holds two Workers (environments producer and consumer).
// Bindings are never inherited between wrangler environments, so the names
// both must agree on are checked here against each other.

import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";

interface QueueConsumer {
  queue: string;
  dead_letter_queue?: string;
}
interface QueueProducer {
  binding: string;
  queue: string;
}

const read = (env: string) => unstable_readConfig({ config: "wrangler.toml", env });

describe("wrangler.toml", () => {
  const producer = read("producer");
  const consumer = read("consumer");
  const deadLetterQueue = consumer.queues.consumers!.find((c: QueueConsumer) => c.dead_letter_queue)!.dead_letter_queue!;

  it("has the producer send to the queue the consumer consumes, whose dead letters the consumer also consumes", () => {
    const sent = producer.queues.producers!.map((p: QueueProducer) => p.queue);
    const consumed = consumer.queues.consumers!.map((c: QueueConsumer) => c.queue);
    expect(sent).toEqual(["eventline-events"]);
    expect(consumed).toEqual([sent[0], deadLetterQueue]);
    // Replays re-enqueue onto the same queue the producer writes.
    expect(consumer.queues.producers!.map((p: QueueProducer) => [p.binding, p.queue])).toEqual([["EVENTS_QUEUE", sent[0]]]);
    expect(consumer.vars.DEAD_LETTER_QUEUE).toBe(deadLetterQueue);
  });

  it("gives the producer no consumer, no cron, no database and no admin setting", () => {
    expect(producer.queues.consumers ?? []).toEqual([]);
    expect(producer.triggers.crons ?? []).toEqual([]);
    for (const name of Object.keys(producer.vars)) expect(name).not.toMatch(/DATABASE|ADMIN|DEAD_LETTER/);
    expect(producer.ratelimits.map((r: { name: string }) => r.name)).toEqual(["INGEST_RATE_LIMITER", "AUTH_FAILURE_LIMITER"]);
  });

  it("counts failed authentications of both Workers against one throttle: the same namespace and limit", () => {
    const limiter = (w: typeof producer) => w.ratelimits.find((r: { name: string }) => r.name === "AUTH_FAILURE_LIMITER");
    expect(limiter(producer)).toEqual(limiter(consumer));
  });

  it("shares what both Workers run with: compatibility date and flags, minify, source maps", () => {
    for (const key of ["compatibility_date", "compatibility_flags", "minify", "upload_source_maps"] as const) {
      expect(consumer[key], key).toEqual(producer[key]);
    }
    expect([producer.name, consumer.name]).toEqual(["eventline-producer", "eventline-consumer"]);
    expect(consumer.triggers.crons).toEqual(["15 0 * * *"]);
  });
});
