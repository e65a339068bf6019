/** The schema a migration runs in, as `pgsafe check` judges a history: the earlier migrations replayed, then its own
 *  statements. `fix --write` fixes a file in it, and so do the tests that prove a fix after earlier migrations. */
import type { ParsedMigration } from '../parse.js';
import { SchemaState } from '../context/schema-state.js';
import { SchemaModel } from '../schema-model.js';

export function historySchema(earlier: ParsedMigration[], migration: ParsedMigration): SchemaModel {
  const state = new SchemaState();
  for (const m of earlier) {
    state.beginMigration(m.file, false);
    for (const stmt of m.statements) state.apply(stmt);
  }
  state.beginMigration(migration.file, false);
  const schema = new SchemaModel(state);
  for (const stmt of migration.statements) state.apply(stmt);
  return schema;
}
