import type { ColumnDef } from '@pgsql/types';
import type { ParsedStatement } from './parse.js';
import type { TableRef } from './ast.js';
import { SchemaState, type ColumnInfo, type KnownConstraint, type KnownIndex, type MigrationEntry } from './context/schema-state.js';

export type { ColumnInfo, KnownConstraint, KnownIndex };

/**
 * What the rules of one migration know about the schema, statement by statement: the migration's own statements
 * and, when it is judged in a history (`SchemaModel.current`), everything the earlier migrations did. Statement
 * indexes are the migration's own (`before` = "just before statement `before` runs").
 */
export class SchemaModel {
  readonly #state: SchemaState;
  readonly #migration: number;
  readonly #base: number;

  /** Statements: a migration judged alone, its statements replayed into an empty schema. A SchemaState: the view of
   *  its current migration (the last begun), whose statements the caller applies to the state. */
  constructor(source: ParsedStatement[] | SchemaState = []) {
    if (source instanceof SchemaState) {
      this.#state = source;
    } else {
      this.#state = new SchemaState();
      this.#state.beginMigration('', false);
      for (const stmt of source) this.#state.apply(stmt);
    }
    this.#migration = this.#state.migrations.length - 1;
    const entry = this.#state.migrations[this.#migration];
    if (!entry) throw new Error('SchemaModel: the state has no migration begun');
    this.#base = entry.firstSeq;
  }

  /** The history this migration is judged in. */
  get state(): SchemaState {
    return this.#state;
  }

  /** The table is created by this migration before statement `before`: nobody else uses it yet, and it is empty unless
   *  `isFilled` says otherwise. */
  isNewTable(table: TableRef | undefined, before: number): boolean {
    const created = table ? this.#table(table, before)?.created : undefined;
    return created !== undefined && created.migration === this.#migration && created.seq < this.#seq(before);
  }

  /** Rows were put in the table (CREATE TABLE ... AS, SELECT INTO, INSERT, COPY) by the statements before `before`. */
  isFilled(table: TableRef, before: number): boolean {
    return this.#table(table, before)?.filledBefore(this.#seq(before)) ?? false;
  }

  /** Rows the replayed statements put in a table they created, before `before`, when they tell (VALUES, a SELECT
   *  from tables still empty); undefined for a table that existed before them, or an unknown number. */
  knownRows(table: TableRef, before: number): number | undefined {
    const facts = this.#table(table, before);
    return facts?.created ? facts.rowsBefore(this.#seq(before)) : undefined;
  }

  /** Rows the replayed statements put in a table they created, before `before`, when every one came from their own
   *  VALUES lists (or SELECTs without FROM): the table holds what the migrations wrote (reference data) unless the
   *  application adds more. Undefined otherwise (rows copied from other tables are the application's in production). */
  literalRows(table: TableRef, before: number): number | undefined {
    const facts = this.#table(table, before);
    return facts?.created && facts.literalBefore(this.#seq(before)) ? facts.rowsBefore(this.#seq(before)) : undefined;
  }

  /** Every row of the table was removed (DELETE without WHERE, TRUNCATE) earlier in this migration, and none put
   *  in since: empty in production too, whatever it held. */
  emptiedHere(table: TableRef, before: number): boolean {
    const facts = this.#table(table, before);
    const seq = this.#seq(before);
    const last = facts?.fills.filter((f) => f.seq < seq).at(-1);
    return !!last && last.seq >= this.#base && facts!.emptied.includes(last.seq);
  }

  /** The migration being judged. */
  get migration(): MigrationEntry {
    return this.#state.migrations[this.#migration]!;
  }

  /** The earlier migration of the history that created the table, if one did. */
  createdByEarlier(table: TableRef, before: number): MigrationEntry | undefined {
    const created = this.#table(table, before)?.created;
    return created && created.migration !== this.#migration ? this.#state.migrations[created.migration] : undefined;
  }

  /** The earlier migration of the same deploy that created the table (so no application uses it yet), if any. */
  createdEarlierInDeploy(table: TableRef, before: number): MigrationEntry | undefined {
    const created = this.#table(table, before)?.created;
    if (!created || created.migration === this.#migration) return undefined;
    const migration = this.#state.migrations[created.migration]!;
    return migration.inBatch ? migration : undefined;
  }

  /** The migration in which the column got its current name (ADD COLUMN, CREATE TABLE, RENAME COLUMN ... TO it),
   *  as the statements before `before` show; undefined when it had it before them. Only for a table the statements
   *  created with every column listed: elsewhere a retype of a column they never saw would look like its start. */
  columnNamedIn(table: TableRef, column: string, before: number): MigrationEntry | undefined {
    const facts = this.#table(table, before);
    if (!facts?.created || facts.columnsUnknown) return undefined;
    const seq = this.#seq(before);
    let since: number | undefined;
    for (const v of facts.columns.get(column) ?? []) {
      if (v.seq >= seq) break;
      if (v.value === undefined) since = undefined;
      else since ??= v.seq;
    }
    if (since === undefined) return undefined;
    let found: MigrationEntry | undefined;
    for (const m of this.#state.migrations) {
      if (m.firstSeq > since) break;
      found = m;
    }
    return found;
  }

  /** The name the table had before the last RENAME TO that gave it its current one (before `before`), if one did. */
  renamedFrom(table: TableRef, before: number): string | undefined {
    const seq = this.#seq(before);
    return this.#table(table, before)?.renames.filter((r) => r.seq < seq).at(-1)?.from;
  }

  /** The name the column had before the RENAME COLUMN that gave it its current one (before `before`), if one did. */
  columnRenamedFrom(table: TableRef, column: string, before: number): string | undefined {
    const seq = this.#seq(before);
    let from: string | undefined;
    for (const v of this.#table(table, before)?.columns.get(column) ?? []) {
      if (v.seq >= seq) break;
      from = v.value === undefined ? undefined : v.value.renamedFrom ?? from;
    }
    return from;
  }

  /** The volatility a function created by the statements before `before` declared (VOLATILE unless said otherwise);
   *  undefined for one they never created. */
  functionVolatility(name: string, before: number): 'immutable' | 'stable' | 'volatile' | undefined {
    return this.#state.functionVolatility(name, this.#seq(before));
  }

  /** The column as defined by the statements before `before` (default: everything known). */
  column(table: TableRef, column: string, before = Infinity): ColumnInfo | undefined {
    return this.#table(table, before)?.columnBefore(column, this.#seq(before));
  }

  /** The named constraint of the table as it was before `before`. */
  constraint(table: TableRef, name: string, before: number): KnownConstraint | undefined {
    return this.#table(table, before)?.constraintBefore(name, this.#seq(before));
  }

  /** The statements before `before` show every column of the table (it was created by them, not AS or LIKE). */
  knowsColumns(table: TableRef, before = Infinity): boolean {
    const facts = this.#table(table, before);
    return !!facts?.created && !facts.columnsUnknown;
  }

  /** The constraints of the table that name `column`, as they were before `before`. */
  constraintsOn(table: TableRef, column: string, before: number): KnownConstraint[] {
    const facts = this.#table(table, before);
    if (!facts) return [];
    return [...facts.constraints.keys()].map((name) => facts.constraintBefore(name, this.#seq(before))).filter((c): c is KnownConstraint => !!c && c.columns.includes(column));
  }

  /** The column had a foreign key before `before`, dropped since or not: `pgsafe fix` gave that key an index
   *  (foreign-key-missing-index) which outlives it, unseen by the statements. */
  hadForeignKey(table: TableRef, column: string, before: number): boolean {
    const facts = this.#table(table, before);
    const seq = this.#seq(before);
    return [...(facts?.constraints.values() ?? [])].some((versions) => versions.some((v) => v.seq < seq && v.value?.type === 'foreign-key' && v.value.columns.includes(column)));
  }

  /** Indexes on the table: created by an earlier migration (and not dropped before this one) or anywhere in this one. */
  indexesOn(table: TableRef): KnownIndex[] {
    return this.#state.indexesOn(table.key, Infinity, this.#base);
  }

  /** The table was created PARTITION BY (before `before`). */
  isPartitioned(table: TableRef, before = Infinity): boolean {
    return this.#table(table, before)?.partitioned ?? false;
  }

  /** The index named `name` (in `schema`) is on a table created PARTITION BY, as the statements before `before` show. */
  indexOnPartitioned(schema: string | undefined, name: string, before = Infinity): boolean {
    return this.#state.indexTable(schema, name, this.#seq(before))?.partitioned ?? false;
  }

  /** Some column declared before statement `before` (by this migration or an earlier one of its history) matches. */
  declaredBefore(before: number, match: (name: string, def: ColumnDef) => boolean): boolean {
    const seq = this.#seq(before);
    for (const d of this.#state.declarations) {
      if (d.seq >= seq) break;
      if (match(d.name, d.def)) return true;
    }
    return false;
  }

  #seq(before: number): number {
    return before === Infinity ? Infinity : this.#base + before;
  }

  #table(table: TableRef, before: number) {
    return this.#state.table(table.key, this.#seq(before));
  }
}
