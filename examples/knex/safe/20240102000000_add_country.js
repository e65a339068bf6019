// The safe version of migrations/20240102000000_add_country.js, following pgsafe's recipes: nullable column, backfill,
// NOT NULL through a validated CHECK, and the index built CONCURRENTLY. CONCURRENTLY cannot run in a transaction, so
// this migration opts out of knex's; each statement then commits on its own, under pgsafe's timeouts and retries.
exports.config = { transaction: false };

exports.up = async (knex) => {
  await knex.raw('ALTER TABLE users ADD COLUMN IF NOT EXISTS country text');
  // Small table here; on a big one, backfill in batches outside the deploy (pgsafe check shows the recipe).
  await knex.raw("UPDATE users SET country = 'FR' WHERE country IS NULL");
  await knex.raw('ALTER TABLE users ADD CONSTRAINT users_country_not_null_chk CHECK (country IS NOT NULL) NOT VALID');
  await knex.raw('ALTER TABLE users VALIDATE CONSTRAINT users_country_not_null_chk');
  await knex.raw('ALTER TABLE users ALTER COLUMN country SET NOT NULL');
  await knex.raw('ALTER TABLE users DROP CONSTRAINT users_country_not_null_chk');
  await knex.raw('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_country_idx ON users (country)');
};

exports.down = async (knex) => {
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS users_country_idx');
  await knex.raw('ALTER TABLE users DROP COLUMN IF EXISTS country');
};
