-- AlterTable
ALTER TABLE "rollup_runs" DROP COLUMN "keys_marked";
