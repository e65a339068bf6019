// As `typeorm migration:generate` writes it for `@Column() country: string`: fine on an empty dev database, fails on a
// table with rows (and takes ACCESS EXCLUSIVE while it does).
export class AddCountry1700000000002 {
    name = 'AddCountry1700000000002';
    async up(queryRunner) {
        await queryRunner.query(`ALTER TABLE "user" ADD "country" character varying NOT NULL`);
    }
    async down(queryRunner) {
        await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "country"`);
    }
}
