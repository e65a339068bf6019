// The safe version of migrations/1700000000002-AddCountry.js, following pgsafe's recipe: nullable column, backfill,
// NOT NULL through a validated CHECK. It opts out of the transaction (migrationsTransactionMode is 'each'), so each
// statement commits on its own under pgsafe's timeouts and retries, and no lock is held across the backfill.
export class AddCountry1700000000002 {
    name = 'AddCountry1700000000002';
    transaction = false;
    async up(queryRunner) {
        await queryRunner.query(`ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "country" character varying`);
        // Small table here; on a big one, backfill in batches outside the deploy (pgsafe check shows the recipe).
        await queryRunner.query(`UPDATE "user" SET "country" = 'FR' WHERE "country" IS NULL`);
        await queryRunner.query(`ALTER TABLE "user" ADD CONSTRAINT "CHK_user_country_not_null" CHECK ("country" IS NOT NULL) NOT VALID`);
        await queryRunner.query(`ALTER TABLE "user" VALIDATE CONSTRAINT "CHK_user_country_not_null"`);
        await queryRunner.query(`ALTER TABLE "user" ALTER COLUMN "country" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "user" DROP CONSTRAINT "CHK_user_country_not_null"`);
    }
    async down(queryRunner) {
        await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "country"`);
    }
}
