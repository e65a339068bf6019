import { Migration } from '@mikro-orm/migrations';

// The same change, the safe way: the column nullable (the backfill and NOT NULL follow in later deploys), the index
// built CONCURRENTLY, which cannot run in a transaction, so this migration runs outside one.
export class Migration20240102000000_add_country extends Migration {
  async up() {
    this.addSql(`alter table "users" add column if not exists "country" varchar(255);`);
    this.addSql(`create index concurrently if not exists "users_country_index" on "users" ("country");`);
  }

  async down() {
    this.addSql(`drop index concurrently if exists "users_country_index";`);
    this.addSql(`alter table "users" drop column if exists "country";`);
  }

  isTransactional() {
    return false;
  }
}
