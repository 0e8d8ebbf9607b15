-- AlterTable
ALTER TABLE "dead_letters" ADD COLUMN     "replay_claimed_at" TIMESTAMPTZ(3);
