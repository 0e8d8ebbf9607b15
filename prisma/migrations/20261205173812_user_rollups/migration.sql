-- AlterTable
-- The column first, the default after: a volatile default given with ADD COLUMN
-- would rewrite every partition to fill it; rows written before stay null (the
-- backfill of each rollup definition reads them).
ALTER TABLE "events" ADD COLUMN     "written_xid" BIGINT;
ALTER TABLE "events" ALTER COLUMN "written_xid" SET DEFAULT ((pg_current_xact_id())::text)::bigint;

-- CreateTable
CREATE TABLE "rollup_definitions" (
    "name" TEXT NOT NULL,
    "cells_id" UUID NOT NULL,
    "definition" JSON NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "backfill_before_xid" BIGINT NOT NULL,
    "backfill_next" TIMESTAMPTZ(3),
    "watermark_xid" BIGINT NOT NULL,
    "covered_from" TIMESTAMPTZ(3),
    "skipped" BIGINT NOT NULL DEFAULT 0,
    "last_run_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_definitions_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "rollup_cells" (
    "rollup_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "dims_key" BYTEA NOT NULL,
    "dims" JSONB NOT NULL,
    "measure" TEXT NOT NULL,
    "n" BIGINT NOT NULL,
    "sum" DECIMAL,
    "min" DECIMAL,
    "max" DECIMAL,

    CONSTRAINT "rollup_cells_pkey" PRIMARY KEY ("rollup_id","bucket","dims_key","measure")
);

-- CreateTable
CREATE TABLE "rollup_distinct_values" (
    "rollup_id" UUID NOT NULL,
    "cell_key" BYTEA NOT NULL,
    "value_key" BYTEA NOT NULL,

    CONSTRAINT "rollup_distinct_values_pkey" PRIMARY KEY ("rollup_id","cell_key","value_key")
);

-- CreateTable
CREATE TABLE "rollup_retired_cells" (
    "cells_id" UUID NOT NULL,
    "retired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_retired_cells_pkey" PRIMARY KEY ("cells_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "rollup_definitions_cells_id_key" ON "rollup_definitions"("cells_id");

-- CreateIndex
-- A block-range index: nothing for writers to maintain per row (autosummarize
-- has autovacuum summarize a range once it is full); a run reads the ranges
-- its transactions wrote. Building it reads each partition once, under a lock
-- that holds writers back meanwhile (on a large deployment: a quiet hour).
CREATE INDEX "events_written_xid_idx" ON "events" USING BRIN ("written_xid") WITH (pages_per_range = 32, autosummarize = on);

-- eventline function: eventline_find_event
-- The lookup of one event by its key, as a database function (one round trip,
-- and a plan each pooled connection keeps): the dedupe ledger gives the
-- receipt times of the id's copies, so only their days' partitions are read;
-- an id the ledger does not hold (older than the dedupe window, or from before
-- partitioning) is looked up in every partition.
CREATE OR REPLACE FUNCTION eventline_find_event(p_source text, p_id text)
RETURNS SETOF events LANGUAGE plpgsql STABLE AS $function$
DECLARE
  receipts timestamptz[];
BEGIN
  SELECT array_agg(DISTINCT l.received_at) INTO receipts FROM event_ids l WHERE l.source = p_source AND l.id = p_id;
  IF receipts IS NOT NULL THEN
    RETURN QUERY SELECT * FROM events e
      WHERE e.source = p_source AND e.id = p_id AND e.received_at = ANY (receipts)
      ORDER BY e.received_at LIMIT 1;
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM events e WHERE e.source = p_source AND e.id = p_id ORDER BY e.received_at LIMIT 1;
END
$function$;
-- end eventline function

-- eventline function: eventline_json_key
-- A fixed-size key for a JSON value as eventline_json_value gave it: the
-- sha256 of its canonical text (jsonb's). What identifies a rollup cell's
-- dimension values, however long they are.
CREATE OR REPLACE FUNCTION eventline_json_key(v jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT sha256(textsend(v::text))
$function$;
-- end eventline function

-- eventline function: eventline_json_number
-- The number a JSON value holds, exactly (numeric), or null when it holds
-- none: what a rollup's sum, min and max measure. A string of digits is not a
-- number here; it is skipped like a missing value. Inlined by the planner.
CREATE OR REPLACE FUNCTION eventline_json_number(v jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END
$function$;
-- end eventline function

-- eventline function: eventline_json_value
-- A JSON value as a rollup groups by it: numbers by their value (1, 1.0 and
-- 1e0 are one group), a JSON null like a missing value (SQL null), anything
-- else as it is. STABLE like to_jsonb, so the planner inlines it.
CREATE OR REPLACE FUNCTION eventline_json_value(v jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $function$
  SELECT CASE jsonb_typeof(v)
    WHEN 'null' THEN NULL
    WHEN 'number' THEN to_jsonb(trim_scale(v::numeric))
    ELSE v
  END
$function$;
-- end eventline function

-- eventline function: eventline_value_key
-- The key a distinct measure remembers a JSON value by: its normal text
-- (numbers by value: 1, 1.0 and 1e0 are one value; anything else as jsonb
-- writes it, which is canonical), kept as it is when short (most ids and
-- names), its sha256 when longer; a first byte tells the two apart, so a
-- short value can never equal a digest. Null for a missing value.
-- One expression, STABLE like what it calls: the planner inlines it.
CREATE OR REPLACE FUNCTION eventline_value_key(v jsonb) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $function$
  SELECT CASE
    WHEN jsonb_typeof(v) = 'number' AND octet_length(trim_scale(v::numeric)::text) <= 64
      THEN '\x00'::bytea || textsend(trim_scale(v::numeric)::text)
    WHEN jsonb_typeof(v) = 'number'
      THEN '\x01'::bytea || sha256(textsend(trim_scale(v::numeric)::text))
    WHEN octet_length(v::text) <= 64
      THEN '\x00'::bytea || textsend(v::text)
    ELSE '\x01'::bytea || sha256(textsend(v::text))
  END
$function$;
-- end eventline function
