/**
 * A page of a definition's data: its cells between two instants, one row per
 * (bucket, dimension values) with every measure's cell, sorted by bucket
 * then dimension values (jsonb's order), after a cursor. Numbers come back as
 * text: numeric is exact, and a JavaScript number would not be.
 */
import type { CellRow } from "../../rollups/user-defined/data-rows.ts";
import type { RawSql } from "../client.ts";
import { timestamptzText } from "../timestamptz-text.ts";

/**
 * $1 cells id, $2 $3 [from, to), $4–$7 a value the 1st–4th dimension must have
 * (its text; null: any), $8 $9 the cursor's bucket and dimension values, $10 rows.
 */
const READ_SQL = `
    SELECT c.bucket, c.dims::text AS dims, array_agg(c.measure) AS measures, array_agg(c.n::text) AS n,
      array_agg(c.sum::text) AS sum, array_agg(c.min::text) AS min, array_agg(c.max::text) AS max
    FROM rollup_cells c
    WHERE c.rollup_id = $1::uuid AND c.bucket >= $2::timestamptz AND c.bucket < $3::timestamptz
      AND ($4::text IS NULL OR c.dims->>0 = $4::text)
      AND ($5::text IS NULL OR c.dims->>1 = $5::text)
      AND ($6::text IS NULL OR c.dims->>2 = $6::text)
      AND ($7::text IS NULL OR c.dims->>3 = $7::text)
      AND ($8::timestamptz IS NULL OR (c.bucket, c.dims) > ($8::timestamptz, $9::jsonb))
    GROUP BY c.bucket, c.dims_key, c.dims
    ORDER BY c.bucket, c.dims
    LIMIT $10`;

/** The local midnight that starts `day` (YYYY-MM-DD) in `timeZone`, as Postgres converts it (the buckets' own rule). */
const MIDNIGHT_SQL = "SELECT ($1::date::timestamp AT TIME ZONE $2::text) AS at";

export interface CellQuery {
  cellsId: string;
  from: Date;
  to: Date;
  /** Per dimension, in the definition's order: the text its value must have, or null. */
  filters: (string | null)[];
  after?: { bucket: Date; dims: string };
  limit: number;
}

export async function readCells(db: RawSql, q: CellQuery): Promise<CellRow[]> {
  const f = [0, 1, 2, 3].map((i) => q.filters[i] ?? null);
  return db.$queryRawUnsafe<CellRow[]>(
    READ_SQL,
    q.cellsId,
    timestamptzText(q.from),
    timestamptzText(q.to),
    ...f,
    q.after ? timestamptzText(q.after.bucket) : null,
    q.after?.dims ?? null,
    q.limit,
  );
}

export async function localMidnight(db: RawSql, day: string, timeZone: string): Promise<Date> {
  const [r] = await db.$queryRawUnsafe<{ at: Date }[]>(MIDNIGHT_SQL, day, timeZone);
  return r!.at;
}
