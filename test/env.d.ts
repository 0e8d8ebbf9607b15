// The bindings tests see through `cloudflare:workers`: each project gets one
// Worker's (producer or consumer), plus what vitest.config.ts adds for tests.
import type { ConsumerEnv } from "../src/consumer/consumer-env.ts";
import type { ProducerEnv } from "../src/producer/producer-env.ts";

type WorkerBindings = ProducerEnv & ConsumerEnv;

declare global {
  namespace Cloudflare {
    /** Both Workers' main modules export a default ExportedHandler; the consumer's stands for either (`exports.default.fetch`). */
    interface GlobalProps {
      mainModule: typeof import("../src/consumer/index.ts");
    }
    interface Env extends WorkerBindings {
      /** A Hyperdrive binding whose database accepts connections and never answers (test/support/hanging-endpoint.global.ts). */
      HANGING_HYPERDRIVE: Hyperdrive;
      /** A Hyperdrive binding whose database hangs up on every connection. */
      REFUSING_HYPERDRIVE: Hyperdrive;
      /** A Hyperdrive binding whose database is not there (connections refused). */
      UNREACHABLE_HYPERDRIVE: Hyperdrive;
      /** What the producer enqueued, recorded by test/support/queue-recorder.worker.js (producer project). */
      RECORDED: KVNamespace;
    }
  }
}
