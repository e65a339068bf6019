// Safe on its own (a nullable column is a catalog change), but it needs an ACCESS EXCLUSIVE lock for a moment:
// behind a long transaction, pgsafe keeps it from queueing (lock_timeout) and retries.
exports.up = (knex) => knex.schema.alterTable('users', (t) => t.timestamp('last_login_at', { useTz: true }));

exports.down = (knex) => knex.schema.alterTable('users', (t) => t.dropColumn('last_login_at'));
