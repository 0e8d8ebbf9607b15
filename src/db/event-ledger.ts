/**
 * The dedupe ledger (event_ids): why a copy of an event is recognised for at
 * least DEDUPE_WINDOW_DAYS, whatever partition its original is in.
 *
 * `events` is partitioned by receipt day, and a unique index on a partitioned
 * table must contain the partition key: it can only say that (source, id,
 * received_at) is unique. A client's retry is a new receipt, so it needs
 * another check. The ledger is a narrow table LIST-partitioned by generation:
 * a run of days (event_id_generations) the cron plans two
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
 * windows of ids (bench/lifecycle.ts measures the ledger's cost). A batch of
 * first deliveries is first written optimistically, every row inserted as new:
 * one copy fails that statement, and the checked form below runs instead
 * (insert-events.ts).
 */

import { keyOrder } from "./sql-fragments.ts";

/**
 * The CTE body `receipt_days`: each receipt day of `r` (a CTE with source, id,
 * received_at, its UTC day, received_day, and whether it is past retention,
 * expired) with the generation it writes and whether it is in that
 * generation's tail (eventline_ledger_generation), one row a day, so the
 * lookup runs once a day rather than once an event. Expired rows have no
 * receipt day here, so they write no ledger row (retention's horizon is a
 * day's start).
 */
export const LEDGER_RECEIPT_DAYS = `SELECT d.received_day, g.generation, g.tail
      FROM (SELECT DISTINCT received_day FROM r WHERE NOT r.expired) d
      CROSS JOIN LATERAL eventline_ledger_generation(d.received_day) g`;

/**
 * The ledger rows of each copy in `r`, in key order. The optimistic statement
 * inserts them as they are (a row the ledger holds fails it) and returns a row
 * each; the checked one adds LEDGER_CHECKED. The table is the ledger's; bench/lifecycle.ts names
 * another to measure the ledger unpartitioned.
 */
export const ledgerInsert = (table = "event_ids") => `INSERT INTO ${table} (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN receipt_days g USING (received_day) CROSS JOIN (VALUES (0), (1)) AS k(k)
      WHERE k.k = 0 OR g.tail
      ORDER BY ${keyOrder("r")}, k.k`;

/** What makes ledgerInsert() checked: RETURNING the (source, id) of each row that was new. */
export const LEDGER_CHECKED = `ON CONFLICT DO NOTHING
      RETURNING source, id`;

/** The (source, id) of the copies in `r` whose every row in `ledger` was new. */
export const LEDGER_FRESH = `SELECT r.source, r.id
      FROM r JOIN receipt_days g USING (received_day)
      JOIN (SELECT source, id, count(*) AS n FROM ledger GROUP BY 1, 2) l USING (source, id)
      WHERE l.n = CASE WHEN g.tail THEN 2 ELSE 1 END`;
