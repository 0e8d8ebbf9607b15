-- CreateEnum
CREATE TYPE "replay_job_status" AS ENUM ('running', 'succeeded', 'failed');

-- AlterTable
ALTER TABLE "dead_letters" ADD COLUMN     "replay_job_id" UUID;

-- CreateTable
CREATE TABLE "replay_jobs" (
    "id" UUID NOT NULL,
    "selection" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "enqueued" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "status" "replay_job_status" NOT NULL DEFAULT 'running',
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "replay_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stage_counters" (
    "day" DATE NOT NULL,
    "stage" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "stage_counters_pkey" PRIMARY KEY ("day","stage")
);

-- CreateIndex
CREATE INDEX "dead_letters_replay_job_id_idx" ON "dead_letters"("replay_job_id");
