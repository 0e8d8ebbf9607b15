/**
 * Eventline Worker: one script, three handlers, one set of bindings.
 * fetch → producer (HTTP ingest), queue → consumers, scheduled → rollups.
 */
import { handleDeadLetterBatch } from "./consumers/dead-letter-consumer.ts";
import { handleEventBatch } from "./consumers/events-consumer.ts";
import { runScheduledRollup } from "./cron/scheduled-rollup.ts";
import { deadLetterQueueName, type Env, logLevel } from "./env.ts";
import { app } from "./http/app.ts";
import { setLogLevel } from "./lib/log.ts";

export default {
  fetch(request, env, ctx) {
    setLogLevel(logLevel(env));
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env) {
    setLogLevel(logLevel(env));
    if (batch.queue === deadLetterQueueName(env)) await handleDeadLetterBatch(batch, env);
    else await handleEventBatch(batch, env);
  },
  async scheduled(controller, env) {
    setLogLevel(logLevel(env));
    await runScheduledRollup(controller, env);
  },
} satisfies ExportedHandler<Env>;
