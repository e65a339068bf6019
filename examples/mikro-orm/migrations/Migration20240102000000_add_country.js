import { Migration } from '@mikro-orm/migrations';

// What `mikro-orm migration:create` writes for a new required `country` property: fine on an empty development
// database, an outage on a table with rows.
export class Migration20240102000000_add_country extends Migration {
  async up() {
    this.addSql(`alter table "users" add column "country" varchar(255) not null;`);
    this.addSql(`create index "users_country_index" on "users" ("country");`);
  }

  async down() {
    this.addSql(`drop index "users_country_index";`);
    this.addSql(`alter table "users" drop column "country";`);
  }
}
