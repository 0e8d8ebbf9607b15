-- Rollups move from "recompute each dirty key from events" to "add what the
-- writes added": consumers accumulate per-key deltas, the rollup run applies them.

-- AlterTable
ALTER TABLE "rollup_runs" ADD COLUMN     "deltas" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "rollup_deltas" (
    "day" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "first_occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "last_occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_deltas_pkey" PRIMARY KEY ("day","source","type")
);

-- Keys still marked dirty are recomputed here, once, so nothing written
-- before this migration goes uncounted when their table is dropped.
INSERT INTO "daily_rollups" ("day", "source", "type", "count", "first_occurred_at", "last_occurred_at", "updated_at")
SELECT d."day", d."source", d."type", s.n, s.first, s.last, now()
FROM "rollup_dirty_keys" d
CROSS JOIN LATERAL (
    SELECT count(*)::int AS n, min(e."occurred_at") AS first, max(e."occurred_at") AS last
    FROM "events" e
    WHERE e."source" = d."source" AND e."type" = d."type"
      AND e."occurred_at" >= (d."day"::timestamp AT TIME ZONE 'UTC')
      AND e."occurred_at" < ((d."day" + 1)::timestamp AT TIME ZONE 'UTC')
) s
WHERE s.n > 0
ON CONFLICT ("day", "source", "type") DO UPDATE SET
    "count" = EXCLUDED."count",
    "first_occurred_at" = EXCLUDED."first_occurred_at",
    "last_occurred_at" = EXCLUDED."last_occurred_at",
    "updated_at" = now();

-- DropTable
DROP TABLE "rollup_dirty_keys";
