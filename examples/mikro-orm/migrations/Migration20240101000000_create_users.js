import { Migration } from '@mikro-orm/migrations';

export class Migration20240101000000_create_users extends Migration {
  async up() {
    this.addSql(`create table "users" ("id" serial primary key, "email" varchar(255) not null);`);
  }

  async down() {
    this.addSql(`drop table if exists "users" cascade;`);
  }
}
