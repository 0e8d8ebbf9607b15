// Starts both Workers (workers-process-entry.ts) in a Node process of their
// own, in its own process group: stopping the group stops the local runtime
// (workerd) and every helper it spawned, and benchmarks can tell its CPU time
// from the rest. Secrets travel over the IPC channel, never on a command line
// or in the environment, where `ps` would show them.
import type { ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { spawnProcessGroup } from "../lib/process-group.ts";
import { OFFLINE_ENV } from "./offline-env.ts";
import type { WorkersConfig, WorkersMessage } from "./workers-process-entry.ts";

export interface LocalWorkers {
  /** The producer: POST /v1/events. */
  ingestUrl: string;
  /** The consumer's HTTP: admin API, GET /v1/rollups, /cdn-cgi/handler/scheduled. */
  opsUrl: string;
  /**
   * The producer's own socket in the runtime (it is the harness's primary Worker), with no Node process in between:
   * what benchmarks load to measure the pipeline without the ingest port's forwarding, which production has not.
   * The ingest port reads a body before it forwards it (workers-process-entry.ts); this socket answers a body past
   * the limit before reading it, and may reset the connection then.
   */
  producerRuntimeUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startWorkers(
  config: WorkersConfig,
  opts: { stdio?: "inherit" | "ignore" | number; readyTimeoutMs?: number } = {},
): Promise<LocalWorkers> {
  const out = opts.stdio ?? "inherit";
  const { child, stop } = spawnProcessGroup(resolve("scripts/local-stack/workers-process-entry.ts"), {
    stdio: ["ignore", out, out, "ipc"],
    env: {
      ...process.env,
      ...OFFLINE_ENV,
      // wrangler would load ./.env into both Workers: each Worker gets only its own secrets, over IPC (dev-secrets.ts).
      CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "false",
      FORCE_COLOR: out === "inherit" ? process.env.FORCE_COLOR : "0",
    },
  });

  try {
    const ready = await new Promise<Extract<WorkersMessage, { type: "ready" }>>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error("the Workers were not ready within the time allowed")), opts.readyTimeoutMs ?? 90_000);
      child.once("message", (m: WorkersMessage) => {
        clearTimeout(timer);
        if (m.type === "ready") ok(m);
        else fail(new Error(`the Workers failed to start: ${m.error}`));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`the Workers' process exited with code ${code} before it was ready`));
      });
      child.send(config);
    });
    return { ingestUrl: ready.ingestUrl, opsUrl: ready.opsUrl, producerRuntimeUrl: ready.producerRuntimeUrl, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
