-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "dead_letter_status" AS ENUM ('pending', 'replayed', 'discarded');

-- CreateTable
CREATE TABLE "events" (
    "source" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "written_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,
    "attributes" JSONB,

    CONSTRAINT "events_pkey" PRIMARY KEY ("source","id")
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "source" TEXT,
    "event_type" TEXT,
    "event_id" TEXT,
    "body" JSONB NOT NULL,
    "error_code" TEXT NOT NULL,
    "error_message" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "first_failed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_failed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "dead_letter_status" NOT NULL DEFAULT 'pending',
    "replay_count" INTEGER NOT NULL DEFAULT 0,
    "replayed_at" TIMESTAMPTZ(3),
    "discarded_at" TIMESTAMPTZ(3),
    "discard_reason" TEXT,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "daily_rollups" (
    "day" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "first_occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "last_occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "daily_rollups_pkey" PRIMARY KEY ("day","source","type")
);

-- CreateIndex
CREATE INDEX "events_source_type_occurred_at_idx" ON "events"("source", "type", "occurred_at");

-- CreateIndex
CREATE INDEX "events_occurred_at_idx" ON "events"("occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_key_key" ON "dead_letters"("key");

-- CreateIndex
CREATE INDEX "dead_letters_status_last_failed_at_idx" ON "dead_letters"("status", "last_failed_at" DESC);

-- CreateIndex
CREATE INDEX "dead_letters_source_event_type_idx" ON "dead_letters"("source", "event_type");

-- CreateIndex
CREATE INDEX "dead_letters_error_code_idx" ON "dead_letters"("error_code");

-- CreateIndex
CREATE INDEX "daily_rollups_source_day_idx" ON "daily_rollups"("source", "day");
