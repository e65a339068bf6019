-- AlterTable
ALTER TABLE "Post" ADD COLUMN "updatedAt" TIMESTAMP(3);

-- CreateIndex (edited after `migrate dev --create-only`: CONCURRENTLY, so writes to "Post" go on during the build)
CREATE INDEX CONCURRENTLY "Post_published_idx" ON "Post"("published");
