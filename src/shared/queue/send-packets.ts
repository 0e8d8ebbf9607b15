/**
 * Sends packets to the queue in sendBatch chunks within the Queues limits
 * (100 messages / 256 KB), as JSON text (contentType "text": the consumer
 * parses each body itself, inside its own per-message error handling).
 * Stops at the first chunk the queue refuses: what was sent stays sent, the
 * rest is returned unsent with the queue's error.
 */
import { errorFields, log } from "../lib/log.ts";
import { chunkBySizeAndCount } from "./chunk-messages.ts";
import type { Packable, Packet } from "./pack-events.ts";

export interface SendOutcome<T extends Packable> {
  sent: Packet<T>[];
  unsent: Packet<T>[];
  /** Why the first unsent chunk was refused. */
  error?: unknown;
}

/** How many sendBatch calls `packets` take. */
export function sendBatchCount(packets: readonly { bytes: number }[]): number {
  return chunkBySizeAndCount(packets, (p) => p.bytes).length;
}

export async function sendPackets<T extends Packable>(queue: Queue<string>, packets: readonly Packet<T>[]): Promise<SendOutcome<T>> {
  const chunks = chunkBySizeAndCount(packets, (p) => p.bytes);
  const outcome: SendOutcome<T> = { sent: [], unsent: [] };
  for (const [i, chunk] of chunks.entries()) {
    try {
      await queue.sendBatch(chunk.map((p) => ({ body: p.text, contentType: "text" as const })));
      outcome.sent.push(...chunk);
    } catch (err) {
      log("error", "queue.send_failed", { chunk: i, of: chunks.length, ...errorFields(err) });
      outcome.unsent.push(...chunks.slice(i).flat());
      outcome.error = err;
      break;
    }
  }
  return outcome;
}
