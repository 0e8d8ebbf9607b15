-- AlterTable
ALTER TABLE "dead_letters" ADD COLUMN     "body_text" TEXT,
ALTER COLUMN "body" DROP NOT NULL;
