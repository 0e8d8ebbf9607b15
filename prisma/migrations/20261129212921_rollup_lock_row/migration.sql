-- CreateTable
CREATE TABLE "rollup_lock" (
    "id" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "rollup_lock_pkey" PRIMARY KEY ("id")
);

-- The lock is the row: it must exist.
INSERT INTO "rollup_lock" ("id") VALUES (1) ON CONFLICT DO NOTHING;
