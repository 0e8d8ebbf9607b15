/**
 * The dedupe ledger (event_ids): why a copy of an event is recognised for at
 * least DEDUPE_WINDOW_DAYS, whatever partition its original is in.
 *
 * `events` is partitioned by receipt day, and a unique index on a partitioned
 * table must contain the partition key: it can only say that (source, id,
 * received_at) is unique. A client's retry is a new receipt, so it needs
 * another check. The ledger is a narrow table LIST-partitioned by generation:
 * a run of days (event_id_generations) planned by the cron, each
 * DEDUPE_WINDOW_DAYS long when it is planned. Every id is written into the
 * generation of its receipt day and into the next one, in the statement that
 * writes the event. Two copies received at most one generation's length apart
 * are then in the same or in adjacent generations, so both write one common
 * generation, and its unique index lets one of them in, even when they are
 * written at the same moment. The cron drops a generation's partition when the
 * generation after it begins: no copy received from then on writes to it.
 *
 * A copy is new when both of its ledger rows were new. A copy that meets an
 * id in one generation only is a duplicate, and its other row stays: the id is
 * remembered from its latest copy.
 */
import { utcDay } from "./sql-fragments.ts";

/** The generation of each receipt day in `r` (a CTE with received_at): days before the oldest kept generation count as that one. */
const GENERATION_OF_DAY = `SELECT d.day, coalesce(
          (SELECT max(g.generation) FROM event_id_generations g WHERE g.first_day <= d.day),
          (SELECT min(g.generation) FROM event_id_generations g)) AS generation
        FROM (SELECT DISTINCT ${utcDay("received_at")} AS day FROM r) d`;

/**
 * The ledger rows of the copies in `r`, two per copy, in key order; RETURNING
 * the (source, id) of each row that was new.
 */
export const LEDGER_INSERT = `INSERT INTO event_ids (generation, source, id, received_at)
      SELECT g.generation + k.k, r.source, r.id, r.received_at
      FROM r JOIN (${GENERATION_OF_DAY}) g ON g.day = ${utcDay("r.received_at")}
      CROSS JOIN (VALUES (0), (1)) AS k(k)
      ORDER BY 2, 3, 1
      ON CONFLICT DO NOTHING
      RETURNING source, id`;
