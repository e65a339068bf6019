// What a generator (or an assistant) writes: fine on an empty dev database, an outage on a table with rows.
exports.up = (knex) =>
  knex.schema.alterTable('users', (t) => {
    t.text('country').notNullable();
    t.index(['country']);
  });

exports.down = (knex) =>
  knex.schema.alterTable('users', (t) => {
    t.dropIndex(['country']);
    t.dropColumn('country');
  });
