-- CreateTable
CREATE TABLE "rollup_distinct_sets" (
    "rollup_id" UUID NOT NULL,
    "cell_key" BYTEA NOT NULL,
    "keys" BYTEA[],

    CONSTRAINT "rollup_distinct_sets_pkey" PRIMARY KEY ("rollup_id","cell_key")
);

-- A distinct measure's values, one row per cell instead of one per value:
-- the sets are what the rows held, so every count stays as it was.
INSERT INTO "rollup_distinct_sets" ("rollup_id", "cell_key", "keys")
SELECT "rollup_id", "cell_key", array_agg("value_key") FROM "rollup_distinct_values" GROUP BY 1, 2;

-- DropTable
DROP TABLE "rollup_distinct_values";

-- eventline function: eventline_key_union
-- The union of two sets of value keys (eventline_value_key) without
-- duplicates: what a distinct measure's cell had seen, merged with what a
-- step found. A set, in no particular order; its cardinality is the measure.
-- Its cost grows with the cell's set, not with what is added
-- (ROLLUP_LIMITS.maxDistinctPerCell bounds it; docs/configuration.md).
CREATE OR REPLACE FUNCTION eventline_key_union(a bytea[], b bytea[]) RETURNS bytea[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT array(SELECT k FROM unnest(a) AS k UNION SELECT k FROM unnest(b) AS k)
$function$;
-- end eventline function
