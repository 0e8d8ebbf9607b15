-- CreateEnum
CREATE TYPE "rollup_run_status" AS ENUM ('running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "rollup_dirty_keys" (
    "day" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_dirty_keys_pkey" PRIMARY KEY ("day","source","type")
);

-- CreateTable
CREATE TABLE "rollup_runs" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "from_day" DATE,
    "to_day" DATE,
    "source" TEXT,
    "type" TEXT,
    "keys_marked" INTEGER NOT NULL DEFAULT 0,
    "keys_done" INTEGER NOT NULL DEFAULT 0,
    "rows" INTEGER NOT NULL DEFAULT 0,
    "remaining" INTEGER,
    "status" "rollup_run_status" NOT NULL DEFAULT 'running',
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,

    CONSTRAINT "rollup_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rollup_runs_started_at_idx" ON "rollup_runs"("started_at" DESC);
