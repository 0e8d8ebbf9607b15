/**
 * Both Workers' handlers in one script, as Eventline shipped before the split:
 * the reference bench/workers.ts measures the producer and consumer against.
 */
import consumer from "../../src/consumer/index.ts";
import producer from "../../src/producer/index.ts";

export default {
  fetch: (request, env, ctx) => producer.fetch(request, env, ctx),
  queue: consumer.queue,
  scheduled: consumer.scheduled,
} satisfies ExportedHandler<Parameters<typeof producer.fetch>[1] & Parameters<typeof consumer.fetch>[1]>;
