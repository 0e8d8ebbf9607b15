-- Hot rows sharded per writing connection (see src/db/sql-fragments.ts).

-- AlterTable
ALTER TABLE "rollup_deltas" DROP CONSTRAINT "rollup_deltas_pkey",
ADD COLUMN     "shard" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "rollup_deltas_pkey" PRIMARY KEY ("day", "source", "type", "shard");

-- Stage counters: one row per (day, shard) with a column per stage, instead of
-- a row per (day, stage): a write bumps one row, not four. Edited by hand from
-- the generated diff (which dropped the counts) to carry them over.
ALTER TABLE "stage_counters" RENAME TO "stage_counters_by_stage";
ALTER TABLE "stage_counters_by_stage" RENAME CONSTRAINT "stage_counters_pkey" TO "stage_counters_by_stage_pkey";

-- CreateTable
CREATE TABLE "stage_counters" (
    "day" DATE NOT NULL,
    "shard" INTEGER NOT NULL DEFAULT 0,
    "accepted" BIGINT NOT NULL DEFAULT 0,
    "written" BIGINT NOT NULL DEFAULT 0,
    "duplicates" BIGINT NOT NULL DEFAULT 0,
    "retried" BIGINT NOT NULL DEFAULT 0,
    "dead_lettered" BIGINT NOT NULL DEFAULT 0,
    "replayed" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "stage_counters_pkey" PRIMARY KEY ("day", "shard")
);

INSERT INTO "stage_counters" ("day", "shard", "accepted", "written", "duplicates", "retried", "dead_lettered", "replayed")
SELECT "day", 0,
  coalesce(sum("count") FILTER (WHERE "stage" = 'accepted'), 0),
  coalesce(sum("count") FILTER (WHERE "stage" = 'written'), 0),
  coalesce(sum("count") FILTER (WHERE "stage" = 'duplicates'), 0),
  coalesce(sum("count") FILTER (WHERE "stage" = 'retried'), 0),
  coalesce(sum("count") FILTER (WHERE "stage" = 'dead_lettered'), 0),
  coalesce(sum("count") FILTER (WHERE "stage" = 'replayed'), 0)
FROM "stage_counters_by_stage"
GROUP BY "day";

DROP TABLE "stage_counters_by_stage";
