// As the generator writes it for `@Index({ concurrent: true })`, plus `transaction = false`, which it never adds and
// CREATE INDEX CONCURRENTLY needs.
export class IndexEmail1700000000003 {
    name = 'IndexEmail1700000000003';
    transaction = false;
    async up(queryRunner) {
        await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_e12875dfb3b1d92d7d7c5377e2" ON "user" ("email") `);
    }
    async down(queryRunner) {
        await queryRunner.query(`DROP INDEX "public"."IDX_e12875dfb3b1d92d7d7c5377e2"`);
    }
}
