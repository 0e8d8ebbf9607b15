/**
 * Rollups that users define: PUT, GET and DELETE a definition, GET its data
 * as JSON or CSV. Mounted at /admin/rollups by the admin routes (their token,
 * their body limit). The cron computes them (refresh-definitions.ts);
 * docs/api.md gives the contract.
 */
import { Hono } from "hono";
import { ApiError } from "../../shared/errors/api-error.ts";
import { encodeCursor } from "../../shared/http/cursor.ts";
import { validate } from "../../shared/http/validate.ts";
import type { ConsumerEnv } from "../consumer-env.ts";
import { requestDb } from "../db/request-database.ts";
import { deleteDefinition } from "../db/rollup-definitions/delete-definition.ts";
import { localMidnight, readCells } from "../db/rollup-definitions/read-cells.ts";
import { type DefinitionState, readDefinitions } from "../db/rollup-definitions/read-definitions.ts";
import { saveDefinition } from "../db/rollup-definitions/save-definition.ts";
import { findDefinition, rollupNotFound } from "./find-definition.ts";
import { dataQuerySchema, dimensionFilters, isDate, readDataCursor } from "./user-defined/data-query.ts";
import { dataRow, rowsCsv, rowsJson } from "./user-defined/data-rows.ts";
import { type RollupDefinition, rollupDefinitionSchema, rollupName } from "./user-defined/definition-schema.ts";
import { ROLLUP_LIMITS, ROLLUP_NAME_PATTERN } from "./user-defined/limits.ts";

export const definitionRoutes = new Hono<{ Bindings: ConsumerEnv }>();

function invalidDefinition(path: string, message: string): ApiError {
  return new ApiError(400, "invalid_rollup_definition", `${path ? `${path}: ` : ""}${message}`, { details: { path } });
}

function parseName(name: string): string {
  if (!rollupName.safeParse(name).success) throw invalidDefinition("name", `must match ${ROLLUP_NAME_PATTERN.source}`);
  return name;
}

/** A definition as the API answers it. */
export function renderDefinition(d: DefinitionState) {
  return {
    name: d.name,
    ...(d.definition as RollupDefinition),
    state: d.state,
    backfilledTo: d.backfilledTo,
    version: d.version,
    coveredFrom: d.coveredFrom,
    lastRunAt: d.lastRunAt,
    lastError: d.lastError,
    lastErrorAt: d.lastErrorAt,
    skipped: d.skipped,
    rows: d.rows,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

definitionRoutes.put("/:name", async (c) => {
  const name = parseName(c.req.param("name"));
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (err) {
    throw new ApiError(400, "invalid_json", "body is not valid JSON", { cause: err });
  }
  const parsed = rollupDefinitionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidDefinition(issue.path.map(String).join("."), issue.message);
  }
  const outcome = await saveDefinition(requestDb(c), name, parsed.data, ROLLUP_LIMITS.maxDefinitions);
  if (outcome === "limit") {
    throw new ApiError(
      409,
      "too_many_rollups",
      `a deployment holds at most ${ROLLUP_LIMITS.maxDefinitions} rollup definitions; delete one first`,
      {
        details: { limit: ROLLUP_LIMITS.maxDefinitions },
      },
    );
  }
  return c.json(renderDefinition(await findDefinition(c, name)), outcome === "created" ? 201 : 200);
});

definitionRoutes.get("/", async (c) => c.json({ rollups: (await readDefinitions(requestDb(c))).map(renderDefinition) }));

definitionRoutes.get("/:name", async (c) => c.json(renderDefinition(await findDefinition(c, parseName(c.req.param("name"))))));

definitionRoutes.delete("/:name", async (c) => {
  const name = parseName(c.req.param("name"));
  if (!(await deleteDefinition(requestDb(c), name))) throw rollupNotFound(name);
  return c.body(null, 204);
});

definitionRoutes.get("/:name/data", validate("query", dataQuerySchema), async (c) => {
  const name = parseName(c.req.param("name"));
  const q = c.req.valid("query");
  const found = await findDefinition(c, name);
  const def = found.definition as RollupDefinition;
  const filters = dimensionFilters(def, c.req.query());
  const db = requestDb(c);
  const instant = async (bound: string) => (isDate(bound) ? localMidnight(db, bound, def.timeZone) : new Date(bound));
  const [from, to] = [await instant(q.from), await instant(q.to)];
  const cells = await readCells(db, {
    cellsId: found.cellsId,
    from,
    to,
    filters,
    after: q.cursor === undefined ? undefined : readDataCursor(q.cursor),
    limit: q.limit + 1,
  });
  const page = cells.slice(0, q.limit);
  const last = page.at(-1);
  const next = cells.length > q.limit && last ? encodeCursor([last.bucket.toISOString(), last.dims]) : null;
  const rows = page.map((cell) => dataRow(def, cell));
  if (q.format === "csv") {
    // CSV has no room for the cursor: the next page's travels in a header.
    return c.body(rowsCsv(def, rows), 200, { "content-type": "text/csv; charset=utf-8", ...(next ? { "x-next-cursor": next } : {}) });
  }
  return c.body(rowsJson(def, rows, next), 200, { "content-type": "application/json" });
});
