/**
 * The dedupe ledger (event_ids): why a copy of an event is recognised for at
 * least DEDUPE_WINDOW_DAYS, whatever partition its original is in.
 *
 * `events` is partitioned by receipt day, and a unique index on a partitioned
 * table must contain the partition key: it can only say that (source, id,
 * received_at) is unique. A client's retry is a new receipt, so it needs
 * another check. The ledger is a narrow table LIST-partitioned by generation:
 * a run of days (event_id_generations) the cron plans GENERATION_WINDOWS
 * windows long. Every id is written, in the statement that writes the event,
 * into the generation of its receipt day, and, when that day is in the
 * generation's last window (its tail), into the next generation too.
 *
 * Two copies received at most a window apart are in the same generation, or
 * the earlier is in the tail of the generation before the later's: either way
 * both write one common generation, whose unique index lets only one of them
 * in, whichever comes first and even when they are written at the same moment.
 * They cannot be two generations apart: a generation is longer than a window.
 * The cron drops a generation's partition when the generation after it
 * begins: no copy received from then on writes to it.
 *
 * A copy is new when every row it wrote was new. A copy that meets its id in
 * one generation only is a duplicate, and its other row stays: the id is
 * remembered from its latest copy. With generations two windows long, a copy
 * writes 1.5 rows on average instead of 2, and the ledger holds about three
 * windows of ids (bench/lifecycle.ts measures the ledger's cost).
 */
import { utcDay } from "./sql-fragments.ts";

/** A generation's length, in windows (DEDUPE_WINDOW_DAYS): the cron plans them this long. */
export const GENERATION_WINDOWS = 2;

/**
 * The CTE body `planned`: each copy of `r` (a CTE with source, id,
 * received_at) with the generation of its receipt day and whether that day is
 * in the generation's tail. Days before the oldest kept generation count as
 * its tail; so do days of the last planned generation, whose end is not known yet.
 */
export const LEDGER_PLANNED = `SELECT r.source, r.id, r.received_at, g.generation, g.tail
      FROM r JOIN (
        SELECT d.day, g.generation,
          g.first_day > d.day OR n.first_day IS NULL OR d.day >= n.first_day - g.window_days AS tail
        FROM (SELECT DISTINCT ${utcDay("received_at")} AS day FROM r) d
        CROSS JOIN LATERAL (
          SELECT generation, first_day, window_days FROM event_id_generations
          ORDER BY first_day <= d.day DESC, CASE WHEN first_day <= d.day THEN first_day END DESC, first_day
          LIMIT 1
        ) g
        LEFT JOIN event_id_generations n ON n.generation = g.generation + 1
      ) g ON g.day = ${utcDay("r.received_at")}`;

/** The ledger rows of `planned`, in key order; RETURNING the (source, id) of each row that was new. */
export const LEDGER_INSERT = `INSERT INTO event_ids (generation, source, id, received_at)
      SELECT p.generation + k.k, p.source, p.id, p.received_at
      FROM planned p CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR p.tail
      ORDER BY 2, 3, 1
      ON CONFLICT DO NOTHING
      RETURNING source, id`;

/** The (source, id) of the copies in `planned` whose every row in `ledger` was new. */
export const LEDGER_FRESH = `SELECT p.source, p.id
      FROM planned p JOIN (SELECT source, id, count(*) AS n FROM ledger GROUP BY 1, 2) l USING (source, id)
      WHERE l.n = CASE WHEN p.tail THEN 2 ELSE 1 END`;
