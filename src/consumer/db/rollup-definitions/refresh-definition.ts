/**
 * One step of keeping a definition's cells current, in one transaction that
 * holds the definition's row: a chunk of its backfill while one is left,
 * else a run over the events written since the last (cells-statement.ts).
 * The cells, the watermark or backfill position, `skipped` and `coveredFrom`
 * move in the same commit, so a step that fails changes nothing and the
 * next one does it again; a step never counts an event twice.
 *
 * Cron runs racing each other skip a definition another holds (SKIP LOCKED)
 * rather than wait. Writers never touch these rows: the consumer's inserts
 * never wait on a step, and a step's statement reads events in its snapshot.
 *
 * A run's events are those written by transactions in [watermark, horizon):
 * horizon is the snapshot's xmin, below which every transaction has ended,
 * so none is still to commit into the range; what commits later is above it
 * and for the next run. A long transaction anywhere on the server holds the
 * horizon back and, with it, the runs (docs/operations.md).
 */

import { DistinctLimitError } from "../../../shared/errors/distinct-limit-error.ts";
import { DAY_MS } from "../../../shared/lib/time.ts";
import { cellsStatement, typeFilter } from "../../rollups/user-defined/cells-statement.ts";
import type { RollupDefinition } from "../../rollups/user-defined/definition-schema.ts";
import { ROLLUP_LIMITS } from "../../rollups/user-defined/limits.ts";
import type { PgQueryable } from "../client.ts";
import { timestamptzText } from "../timestamptz-text.ts";

export interface RefreshStep {
  /** busy: another run holds it; gone: deleted meanwhile. */
  phase: "backfill" | "run" | "busy" | "gone";
  events: number;
  cells: number;
  /** The backfill finished with this chunk, or this was a run. */
  current: boolean;
}

const LOCK_SQL = `
    SELECT d.cells_id::text AS cells_id, d.definition,
      d.backfill_before_xid::text AS before_xid, d.watermark_xid::text AS watermark,
      d.backfill_next IS NOT NULL AS backfilling, d.backfill_next = '-infinity' AS from_history,
      CASE WHEN isfinite(d.backfill_next) THEN d.backfill_next END AS next,
      l.history_before,
      -- The backfill ends after the last day partition: every event it reads was written before the
      -- definition, into a partition that existed then.
      (SELECT max(eventline_partition_day(c.relname)) + 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass)::timestamp AT TIME ZONE 'UTC' AS until,
      pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
    FROM rollup_definitions d, event_lifecycle l
    WHERE d.name = $1 AND l.id = 1
    FOR UPDATE OF d SKIP LOCKED`;

const EXISTS_SQL = "SELECT 1 FROM rollup_definitions WHERE name = $1";

/** $1 name, $2 events, $3 skipped, $4 first receipt read, $5 new watermark (null: unchanged), $6 backfill position (null: done), $7 still backfilling. */
const ADVANCE_SQL = `
    UPDATE rollup_definitions SET
      watermark_xid = coalesce($5::bigint, watermark_xid),
      backfill_next = CASE WHEN $7::boolean THEN $6::timestamptz END,
      skipped = skipped + $3::bigint,
      covered_from = CASE WHEN $4::timestamptz IS NULL THEN covered_from ELSE least(covered_from, $4::timestamptz) END,
      last_run_at = now(),
      last_error = NULL,
      last_error_at = NULL
    WHERE name = $1 AND $2::bigint >= 0`;

/** $1 name, $2 why the step failed (after its transaction rolled back). */
const FAILED_SQL = "UPDATE rollup_definitions SET last_error = $2, last_error_at = now() WHERE name = $1";

/** Records why a definition's step failed, for GET /admin/rollups and the console. */
export async function recordStepFailure(client: PgQueryable, name: string, message: string): Promise<void> {
  await client.query(FAILED_SQL, [name, message.slice(0, 1000)]);
}

interface Locked {
  cells_id: string;
  definition: RollupDefinition;
  before_xid: string;
  watermark: string;
  backfilling: boolean;
  from_history: boolean;
  next: Date | null;
  /** Null when there is no day partition (all events are in the history). */
  until: Date | null;
  history_before: Date;
  horizon: string;
}

export async function refreshDefinition(
  client: PgQueryable,
  name: string,
  opts: { backfillDays: number; timeoutMs: number; maxDistinctPerCell?: number },
): Promise<RefreshStep> {
  await client.query("BEGIN");
  try {
    // Transaction-local (nothing outlives the step on a pooled connection). The planner cannot know how
    // few (bucket, dimension values) groups a definition has (it guesses up to one per event), so it would
    // sort the events on disk to group them and JIT-compile the statement for its imagined cost: on
    // 1,000,000 events a run took 3.3 s with both, 1.7 s without (EXPLAIN ANALYZE; bench/README.md).
    await client.query(`SET LOCAL statement_timeout = ${Math.ceil(opts.timeoutMs)}; SET LOCAL enable_sort = off; SET LOCAL jit = off`);
    const [d] = (await client.query<Locked>(LOCK_SQL, [name])).rows;
    if (!d) {
      await client.query("ROLLBACK");
      const exists = (await client.query(EXISTS_SQL, [name])).rowCount;
      return { phase: exists ? "busy" : "gone", events: 0, cells: 0, current: false };
    }
    const def = d.definition;
    const type = typeFilter(def.type);
    let phase: "backfill" | "run";
    let params: unknown[];
    let advance: { watermark: string | null; next: Date | null; backfilling: boolean };
    if (d.backfilling) {
      // The history (all receipts before the first day partition) is one chunk; days after it go `backfillDays` at a time.
      const from = d.from_history ? "-infinity" : timestamptzText(d.next!);
      const until = d.until ?? d.history_before;
      const end = d.from_history ? d.history_before : new Date(d.next!.getTime() + opts.backfillDays * DAY_MS);
      const to = new Date(Math.min(end.getTime(), until.getTime()));
      phase = "backfill";
      params = [d.cells_id, def.timeZone, def.source ?? null, type.exact, type.prefix, "-1", d.before_xid, from, timestamptzText(to)];
      advance = { watermark: null, next: to, backfilling: to < until };
    } else {
      phase = "run";
      params = [d.cells_id, def.timeZone, def.source ?? null, type.exact, type.prefix, d.watermark, d.horizon, "-infinity", "infinity"];
      advance = { watermark: BigInt(d.horizon) > BigInt(d.watermark) ? d.horizon : null, next: null, backfilling: false };
    }
    let r = { events: "0", skipped: "0", first_received: null as Date | null, cells: "0", largest_set: "0" };
    if (phase === "backfill" || advance.watermark !== null) {
      const statement = cellsStatement(def, phase === "backfill" ? "backfill" : "runs");
      [r] = (await client.query<typeof r>(statement.text, [...params, ...statement.tail])).rows as [typeof r];
    }
    const limit = opts.maxDistinctPerCell ?? ROLLUP_LIMITS.maxDistinctPerCell;
    if (Number(r.largest_set) > limit) throw new DistinctLimitError(Number(r.largest_set), limit);
    await client.query(ADVANCE_SQL, [
      name,
      r.events,
      r.skipped,
      r.first_received,
      advance.watermark,
      advance.next && timestamptzText(advance.next),
      advance.backfilling,
    ]);
    await client.query("COMMIT");
    return { phase, events: Number(r.events), cells: Number(r.cells), current: !advance.backfilling };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
