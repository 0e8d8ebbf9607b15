// The partitioning of events (migrations 20261129233000…233300, five) applied one
// step at a time to a database still on the layout before it, while a writer
// keeps sending the consumer's statement: how long each step takes, and how
// long the writer's statements waited during it. The test
// (test/db/partitioning-migration.test.ts) and the benchmark
// (bench/partitioning-migration.ts) both run it.
import pg from "pg";
import { insertEvents } from "../../src/consumer/db/insert-events.ts";
import type { EventMessage } from "../../src/shared/events/event-message.ts";
import { applyMigrations } from "./migrate.ts";

export const BEFORE_PARTITIONING = "20261129214321_ingest_lag";
export const PARTITIONING_STEPS = [
  "20261129233000_events_key_with_receipt",
  "20261129233050_events_rollup_index",
  "20261129233100_events_history_range",
  "20261129233200_events_history_range_validated",
  "20261129233300_events_partitioned",
] as const;

/** Fills events (on the layout before partitioning) with `count` rows over the 30 days before now, in one statement. */
export async function fillOldLayout(client: pg.Client, count: number): Promise<void> {
  await client.query(
    `INSERT INTO events (source, id, type, occurred_at, received_at, payload)
     SELECT 'src-' || (i % 5), 'old-' || i, 'type-' || (i % 20), ts, ts, '{"plan":"pro","amount":12.5,"note":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'::jsonb
     FROM generate_series(1, $1::int) AS i, LATERAL (SELECT now() - (i::float8 / $1) * interval '30 days' AS ts) t`,
    [count],
  );
  await client.query("VACUUM ANALYZE events");
}

export interface StepReport {
  step: string;
  ms: number;
  /** Statements the writer completed while the step ran, and the longest any of them took. */
  writes: number;
  longestWriteMs: number;
}

/** Applies the five steps in order with a writer on its own connection; the writer's events (of `source`) are all received now. */
export async function rehearsePartitioning(
  url: string,
  source = "live",
): Promise<{ steps: StepReport[]; written: number; writerErrors: string[] }> {
  const writer = new pg.Client(url);
  writer.on("error", () => {});
  await writer.connect();
  let running = true;
  let current: { writes: number; longest: number } = { writes: 0, longest: 0 };
  let written = 0;
  const writerErrors: string[] = [];
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const at = new Date().toISOString();
      const batch: EventMessage[] = Array.from({ length: 100 }, (_, i) => ({
        v: 1,
        source,
        id: `${source}-${n}-${i}`,
        type: "t",
        occurredAt: at,
        receivedAt: at,
        payload: { n },
      }));
      const t = performance.now();
      try {
        // Every id is new: a statement that succeeds wrote its batch. (Its answer is read from the
        // function as the newest migration defines it; the steps rehearsed run an older one.)
        await insertEvents(writer, batch, { firstDeliveries: 100, redeliveries: 0 });
        written += batch.length;
      } catch (err) {
        writerErrors.push((err as Error).message);
      }
      const took = performance.now() - t;
      current.writes++;
      current.longest = Math.max(current.longest, took);
    }
  })();
  const steps: StepReport[] = [];
  try {
    for (const step of PARTITIONING_STEPS) {
      current = { writes: 0, longest: 0 };
      const t0 = performance.now();
      await applyMigrations(url, step);
      steps.push({ step, ms: performance.now() - t0, writes: current.writes, longestWriteMs: current.longest });
    }
  } finally {
    running = false;
    await loop;
    await writer.end();
  }
  return { steps, written, writerErrors };
}
