// Drives rollup definitions on a test deployment the way the cron does, and
// reads their data the way the API does, for comparison with the oracle.
import type pg from "pg";
import { pgRawSql } from "../../../scripts/db/pg-raw-sql.ts";
import { readCells } from "../../../src/consumer/db/rollup-definitions/read-cells.ts";
import { readDefinitions } from "../../../src/consumer/db/rollup-definitions/read-definitions.ts";
import { refreshDefinition } from "../../../src/consumer/db/rollup-definitions/refresh-definition.ts";
import { saveDefinition } from "../../../src/consumer/db/rollup-definitions/save-definition.ts";
import { dataRow, rowsJson } from "../../../src/consumer/rollups/user-defined/data-rows.ts";
import type { RollupDefinition } from "../../../src/consumer/rollups/user-defined/definition-schema.ts";
import { rollupDefinitionSchema } from "../../../src/consumer/rollups/user-defined/definition-schema.ts";
import { formatInZone } from "../../../src/consumer/rollups/user-defined/zoned-time.ts";
import { groupBy, type StoredEvent } from "./oracle.ts";

export const save = (client: pg.ClientBase, name: string, def: unknown) =>
  saveDefinition(pgRawSql(client), name, rollupDefinitionSchema.parse(def), 50);

/** Steps until the definition is current and a run found nothing left (or another holds it). */
export async function refreshToCurrent(client: pg.ClientBase, name: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const step = await refreshDefinition(client, name, { backfillDays: 2, timeoutMs: 30_000 });
    if (step.phase === "gone") return;
    if (step.phase === "run" && step.events === 0) return;
  }
  throw new Error(`${name} never became current`);
}

/** The data as GET /admin/rollups/{name}/data answers it, every row, keyed by bucket and dimension values. */
export async function dataOf(client: pg.ClientBase, name: string): Promise<Map<string, Record<string, unknown>>> {
  const [d] = await readDefinitions(pgRawSql(client), name);
  if (!d) throw new Error(`no definition ${name}`);
  const def = d.definition as RollupDefinition;
  const cells = await readCells(pgRawSql(client), {
    cellsId: d.cellsId,
    from: new Date("1970-01-01T00:00:00Z"),
    to: new Date("2100-01-01T00:00:00Z"),
    filters: [],
    limit: 1_000_000,
  });
  const { rows } = JSON.parse(
    rowsJson(
      def,
      cells.map((c) => dataRow(def, c)),
      null,
    ),
  ) as { rows: Record<string, unknown>[] };
  const dims = Object.keys(def.dimensions);
  return new Map(rows.map((r) => [JSON.stringify([r.bucket, ...dims.map((k) => r[k])]), r]));
}

/** What the data must be: the oracle's GROUP BY over every stored event, in the API's shape. */
export async function expectedOf(client: pg.ClientBase, def: RollupDefinition): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await client.query<{ source: string; id: string; type: string; occurred_at: Date; payload: Record<string, unknown> }>(
    "SELECT source, id, type, occurred_at, payload FROM events",
  );
  const events: StoredEvent[] = rows.map((r) => ({
    source: r.source,
    id: r.id,
    type: r.type,
    occurredAt: r.occurred_at,
    payload: r.payload,
  }));
  const dims = Object.keys(def.dimensions);
  const out = new Map<string, Record<string, unknown>>();
  for (const row of groupBy(def, events).values()) {
    const bucket = formatInZone(new Date(row.bucket), def.timeZone);
    out.set(JSON.stringify([bucket, ...dims.map((k) => row[k])]), { ...row, bucket });
  }
  return out;
}
