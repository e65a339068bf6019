/**
 * SchemaState: the schema as the migrations replayed so far leave it, kept across migrations.
 *
 * Every statement replayed gets the next sequence number (`seq`), and every fact remembers the seq that made it, so
 * the state answers "as it was before statement N" for any N already replayed: the rules of a migration look ahead
 * within it (a table created further down, an index added after the foreign key) while the state already holds the
 * whole migration. Tables are tracked through renames and drops (one `TableFacts` per table, reachable under each
 * name it had, for the span it had it), with their columns, indexes (including those behind PRIMARY KEY and
 * UNIQUE), constraints, and whether rows were put in them (CREATE TABLE ... AS, SELECT INTO, INSERT, COPY).
 *
 * What it does not know it does not guess: a table altered but never created in the replayed statements existed
 * before them (its columns are the ones the statements show; `created` is undefined).
 */
import type { AlterTableCmd, ColumnDef, Constraint, Node, SelectStmt } from '@pgsql/types';
import type { ParsedStatement } from '../parse.js';
import { as, columnConstraints, columnNames, strings, tableRef, tableRefOf, typeInfo, type TableRef, type TypeInfo } from '../ast.js';

/** Where a statement sits in the replayed history. */
export interface Place {
  /** Position of its migration in the history (0 = the first replayed). */
  migration: number;
  /** Its index among its migration's statements. */
  statement: number;
  /** Its sequence number across the whole history. */
  seq: number;
}

/** A migration as the history knows it. */
export interface MigrationEntry {
  /** The runner's name for it (file or folder name, class name). */
  name: string;
  /** Part of the deploy being judged (pending together), as opposed to applied before it. */
  inBatch: boolean;
  /** seq of its first statement. */
  firstSeq: number;
}

/** A column as the replayed statements define it. */
export interface ColumnInfo {
  type: TypeInfo;
  /** Explicit COLLATE of the column definition, lower-cased. */
  collation?: string;
  /** Index (within its migration) of the statement that defined or last retyped it. */
  statementIndex: number;
}

/** An index the replayed statements created (CREATE INDEX, or the index behind a PRIMARY KEY / UNIQUE). */
export interface KnownIndex {
  /** Key of the table it is on, at the time it was created. */
  table: string;
  name?: string;
  /** Key columns in order; empty for expression-only indexes. */
  columns: string[];
  unique: boolean;
  /** Partial (has a WHERE): it serves only some rows. */
  partial: boolean;
  /** Index (within its migration) of the statement that created it. */
  statementIndex: number;
}

/** A named table constraint. */
export interface KnownConstraint {
  name: string;
  type: 'check' | 'foreign-key' | 'unique' | 'primary-key' | 'exclusion' | 'not-null';
  columns: string[];
  /** Where it was added. */
  added: Place;
  /** Added NOT VALID and not validated (yet, at the time asked about). */
  notValid: boolean;
  /** Where VALIDATE CONSTRAINT ran, if it did. */
  validated?: Place;
}

interface Versioned<T> {
  seq: number;
  /** undefined: dropped (or renamed away) at `seq`. */
  value: T | undefined;
}

interface IndexFacts extends KnownIndex {
  seq: number;
  dropped?: number;
  owner: TableFacts;
}

/** One table, across the names it had. */
export class TableFacts {
  /** Where it was created; undefined when it existed before the replayed statements. */
  created?: Place;
  /** Row events: the rows it has after each (0 = emptied by TRUNCATE or DELETE without WHERE; null = rows of an
   *  unknown number were put in). */
  readonly fills: Versioned<number | null>[] = [];
  /** When rows were first put in by a query reading tables (INSERT ... SELECT ... FROM, CREATE TABLE AS, COPY): in
   *  production those are the application's rows, whatever a fresh install counts. */
  fromQuery?: number;
  /** When every row was removed (DELETE without WHERE, TRUNCATE): empty then, in production too. */
  readonly emptied: number[] = [];
  readonly columns = new Map<string, Versioned<{ def: ColumnDef; statementIndex: number; renamedFrom?: string }>[]>();
  readonly indexes: IndexFacts[] = [];
  readonly constraints = new Map<string, Versioned<KnownConstraint>[]>();
  /** Created with columns the statements do not list (CREATE TABLE ... AS, LIKE, INHERITS, PARTITION OF). */
  columnsUnknown = false;
  /** Created PARTITION BY: PostgreSQL builds or drops no index of it CONCURRENTLY. */
  partitioned = false;
  /** Its RENAME TOs, in order: the name it had before each. */
  readonly renames: { seq: number; from: string }[] = [];

  constructor(public ref: TableRef) {}

  /** Rows were put in it (and not all removed since) before `seq`. */
  filledBefore(seq: number): boolean {
    return (latest(this.fills, seq) ?? 0) !== 0;
  }

  /** Every row put in before `seq` came from the statements' own VALUES lists (or SELECTs without FROM). */
  literalBefore(seq: number): boolean {
    return this.fromQuery === undefined || this.fromQuery >= seq;
  }

  /** The rows the replayed statements put in it before `seq`, when known (a table they created starts empty). */
  rowsBefore(seq: number): number | undefined {
    const rows = latest(this.fills, seq);
    return rows === null ? undefined : (rows ?? 0);
  }

  columnBefore(name: string, seq: number): ColumnInfo | undefined {
    const entry = latest(this.columns.get(name), seq);
    if (!entry) return undefined;
    const type = typeInfo(entry.def.typeName);
    if (!type) return undefined;
    const collation = strings(entry.def.collClause?.collname).at(-1)?.toLowerCase();
    return { type, ...(collation ? { collation } : {}), statementIndex: entry.statementIndex };
  }

  constraintBefore(name: string, seq: number): KnownConstraint | undefined {
    return latest(this.constraints.get(name), seq);
  }
}

/** The last value set before `seq`. */
function latest<T>(versions: Versioned<T>[] | undefined, seq: number): T | undefined {
  if (!versions) return undefined;
  for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.seq < seq) return versions[i]!.value;
  return undefined;
}

const SET_RETURNING = /"sval":"(generate_series|unnest|jsonb?_array_elements(_text)?|jsonb?_each(_text)?|jsonb?_object_keys|regexp_matches|regexp_split_to_table|string_to_table|generate_subscripts|jsonb_path_query|json_populate_recordset|jsonb_populate_recordset|jsonb?_to_recordset)"/;
const AGGREGATE = /"sval":"(count|sum|min|max|avg|array_agg|string_agg|jsonb?_agg|jsonb?_object_agg|bool_and|bool_or|every)"/;

/** A query of constants only: VALUES lists, or a SELECT without FROM (on both sides of a set operation). */
function literal(node: Node | SelectStmt | undefined): boolean {
  const select = node && 'op' in node ? (node as SelectStmt) : as(node as Node | undefined, 'SelectStmt');
  if (!select || select.withClause) return false;
  if (select.op && select.op !== 'SETOP_NONE') return literal(select.larg) && literal(select.rarg);
  return !!select.valuesLists || !select.fromClause?.length;
}

/** An INSERT's own WITH clause moved onto its SELECT, where the CTEs are read. */
function withCtes(select: Node, withClause: SelectStmt['withClause']): Node {
  const inner = as(select, 'SelectStmt');
  return withClause && inner && !inner.withClause ? { SelectStmt: { ...inner, withClause } } : select;
}

/** A span during which a table was reachable under one name. */
interface Binding {
  from: number;
  to: number;
  table: TableFacts;
}

export class SchemaState {
  readonly migrations: MigrationEntry[] = [];
  #seq = 0;
  readonly #byName = new Map<string, Binding[]>();
  /** The functions the replayed statements created (by lower-cased name, without schema), with their volatility. */
  readonly #functions = new Map<string, Versioned<'immutable' | 'stable' | 'volatile'>[]>();
  readonly #indexByName = new Map<string, IndexFacts[]>();
  /** Every column definition replayed (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE), in order: what a project's
   *  migrations habitually declare (the rules that speak once per history ask it). */
  readonly declarations: { seq: number; name: string; def: ColumnDef }[] = [];

  /** The sequence number the next replayed statement gets. */
  get seq(): number {
    return this.#seq;
  }

  /** Starts the next migration; its statements follow through `apply`, in order. */
  beginMigration(name: string, inBatch: boolean): number {
    this.migrations.push({ name, inBatch, firstSeq: this.#seq });
    return this.migrations.length - 1;
  }

  /** The table reachable as `key` just before statement `seq` (undefined: never seen under that name then). */
  table(key: string, seq = Infinity): TableFacts | undefined {
    const bindings = this.#byName.get(key);
    if (!bindings) return undefined;
    for (let i = bindings.length - 1; i >= 0; i--) {
      const b = bindings[i]!;
      if (b.from < seq && seq <= b.to) return b.table;
    }
    return undefined;
  }

  /** Indexes of the table reachable as `key` just before `seq`, not dropped before `since`. */
  indexesOn(key: string, seq = Infinity, since = seq): KnownIndex[] {
    const table = this.table(key, seq);
    return table ? table.indexes.filter((ix) => ix.seq < seq && (ix.dropped === undefined || ix.dropped >= since)) : [];
  }

  /** The volatility the last CREATE FUNCTION of that name (any schema, any arguments) before `seq` declared:
   *  VOLATILE unless it says IMMUTABLE or STABLE. Undefined for a function the statements never created. */
  functionVolatility(name: string, seq = Infinity): 'immutable' | 'stable' | 'volatile' | undefined {
    return latest(this.#functions.get(name.toLowerCase()), seq);
  }

  /** The table of the index named `name` (in `schema`, default public) just before `seq`. */
  indexTable(schema: string | undefined, name: string, seq = Infinity): TableFacts | undefined {
    return this.#indexNamed(schema, name, seq)?.owner;
  }

  /** Replays the next statement of the current migration (`skip`: it only takes its seq, e.g. a down section). */
  apply(stmt: ParsedStatement, skip = false): void {
    const migration = this.migrations.length - 1;
    if (migration < 0) throw new Error('SchemaState.apply() before beginMigration()');
    const place: Place = { migration, statement: stmt.index, seq: this.#seq };
    this.#seq++;
    if (!skip) this.#learn(stmt, place);
  }

  #learn(stmt: ParsedStatement, at: Place): void {
    const n = stmt.node;
    // An INSERT inside a WITH of another statement puts rows in too (as many as its query yields, when known).
    const dml = as(n, 'UpdateStmt') ?? as(n, 'DeleteStmt') ?? as(n, 'InsertStmt') ?? as(n, 'SelectStmt');
    const ctes = new Map<string, number | null>();
    for (const c of dml?.withClause?.ctes ?? []) {
      const cte = as(c, 'CommonTableExpr');
      const inner = as(cte?.ctequery, 'InsertStmt');
      const rows = inner ? (inner.selectStmt ? this.#selectRows(inner.selectStmt, at.seq, ctes) : 1) : as(cte?.ctequery, 'SelectStmt') ? this.#selectRows(cte?.ctequery, at.seq, ctes) : null;
      if (inner) this.#fill(tableRef(inner.relation), rows, at, false, !inner.selectStmt || literal(inner.selectStmt));
      if (cte?.ctename) ctes.set(cte.ctename, rows);
    }
    const create = as(n, 'CreateStmt');
    if (create) return this.#createTable(create, at);
    const fn = as(n, 'CreateFunctionStmt');
    if (fn) {
      const name = strings(fn.funcname).at(-1)?.toLowerCase();
      const said = (fn.options ?? []).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'volatility');
      const value = (as(said?.arg, 'String')?.sval ?? 'volatile').toLowerCase();
      if (name && !fn.is_procedure) push(this.#functions, name, { seq: at.seq, value: value === 'immutable' || value === 'stable' ? value : 'volatile' });
      return;
    }
    const alter = as(n, 'AlterTableStmt');
    if (alter) return this.#alterTable(tableRef(alter.relation), alter.cmds ?? [], at);
    const index = as(n, 'IndexStmt');
    if (index) {
      const table = tableRef(index.relation);
      if (!table) return;
      const columns = (index.indexParams ?? []).map((p) => as(p, 'IndexElem')?.name).filter((c): c is string => !!c);
      this.#addIndex(this.#ensure(table, at), index.idxname, columns, !!index.unique, !!index.whereClause, at);
      return;
    }
    const ctas = as(n, 'CreateTableAsStmt');
    if (ctas) {
      const table = tableRef(ctas.into?.rel);
      if (table && ctas.objtype !== 'OBJECT_MATVIEW') {
        const facts = this.#create(table, at);
        facts.columnsUnknown = true;
        if (!ctas.into?.skipData) {
          facts.fills.push({ seq: at.seq, value: this.#selectRows(ctas.query, at.seq) });
          if (!literal(ctas.query)) facts.fromQuery ??= at.seq;
        }
      }
      return;
    }
    const select = as(n, 'SelectStmt');
    if (select?.intoClause) {
      const table = tableRef(select.intoClause.rel);
      if (table) {
        const facts = this.#create(table, at);
        facts.columnsUnknown = true;
        facts.fills.push({ seq: at.seq, value: this.#selectRows(n, at.seq) });
        if (!literal(n)) facts.fromQuery ??= at.seq;
      }
      return;
    }
    const insert = as(n, 'InsertStmt');
    if (insert) return this.#fill(tableRef(insert.relation), insert.selectStmt ? this.#selectRows(withCtes(insert.selectStmt, insert.withClause), at.seq) : 1, at, false, !insert.withClause && (!insert.selectStmt || literal(insert.selectStmt)));
    const other = as(n, 'MergeStmt') ?? (as(n, 'CopyStmt')?.is_from ? as(n, 'CopyStmt') : undefined);
    if (other) return this.#fill(tableRef(other.relation), null, at, false, false);
    const del = as(n, 'DeleteStmt');
    if (del && !del.whereClause && !del.usingClause) return this.#fill(tableRef(del.relation), 0, at, true);
    const truncate = as(n, 'TruncateStmt');
    if (truncate) {
      for (const r of truncate.relations ?? []) this.#fill(tableRef(as(r, 'RangeVar')), 0, at, true);
      return;
    }
    const rename = as(n, 'RenameStmt');
    if (rename) return this.#rename(rename, at);
    const move = as(n, 'AlterObjectSchemaStmt');
    if (move?.objectType === 'OBJECT_TABLE' && move.newschema) {
      const from = tableRef(move.relation);
      if (from) this.#moveTable(from, tableRefOf(move.newschema, from.name), at);
      return;
    }
    const drop = as(n, 'DropStmt');
    if (drop) this.#drop(drop.removeType, drop.objects ?? [], at);
  }

  /** The table as it is now under `ref`, created implicitly (it existed before the history) when never seen. */
  #ensure(ref: TableRef, at: Place): TableFacts {
    const found = this.table(ref.key, at.seq + 1);
    if (found) return found;
    const facts = new TableFacts(ref);
    // Existed before everything replayed: reachable from the start, or since the name was last freed.
    const freed = this.#byName.get(ref.key)?.at(-1)?.to;
    this.#bind(ref.key, facts, freed === undefined ? -1 : Math.max(freed, at.seq - 1));
    return facts;
  }

  #create(ref: TableRef, at: Place): TableFacts {
    const facts = new TableFacts(ref);
    facts.created = at;
    this.#unbind(ref.key, at.seq);
    this.#bind(ref.key, facts, at.seq);
    return facts;
  }

  #bind(key: string, table: TableFacts, from: number): void {
    const list = this.#byName.get(key);
    const binding = { from, to: Infinity, table };
    if (list) list.push(binding);
    else this.#byName.set(key, [binding]);
  }

  /** Ends what `key` names from `seq` on (the statement at `seq` itself still sees it). */
  #unbind(key: string, seq: number): TableFacts | undefined {
    const current = this.#byName.get(key)?.at(-1);
    if (!current || current.to !== Infinity) return undefined;
    current.to = seq;
    return current.table;
  }

  #createTable(create: NonNullable<ReturnType<typeof as<'CreateStmt'>>>, at: Place): void {
    const ref = tableRef(create.relation);
    if (!ref) return;
    // CREATE TABLE IF NOT EXISTS over a table that exists does nothing.
    if (create.if_not_exists && this.table(ref.key, at.seq)) return;
    const facts = this.#create(ref, at);
    if ((create.inhRelations?.length ?? 0) > 0 || create.partbound || create.ofTypename) facts.columnsUnknown = true;
    if (create.partspec) facts.partitioned = true;
    for (const elt of create.tableElts ?? []) {
      const col = as(elt, 'ColumnDef');
      if (col?.colname) {
        this.#setColumn(facts, col.colname, col, at);
        for (const con of columnConstraints(col)) this.#addConstraint(facts, con, [col.colname], at);
        continue;
      }
      if (as(elt, 'TableLikeClause')) {
        facts.columnsUnknown = true;
        continue;
      }
      const con = as(elt, 'Constraint');
      if (con) this.#addConstraint(facts, con, constraintColumns(con), at);
    }
  }

  #alterTable(ref: TableRef | undefined, cmds: Node[], at: Place): void {
    if (!ref) return;
    const facts = this.#ensure(ref, at);
    for (const c of cmds) {
      const cmd = as(c, 'AlterTableCmd');
      if (cmd) this.#alterCmd(facts, cmd, at);
    }
  }

  #alterCmd(facts: TableFacts, cmd: AlterTableCmd, at: Place): void {
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const col = as(cmd.def, 'ColumnDef');
        if (!col?.colname) return;
        if (cmd.missing_ok && latest(facts.columns.get(col.colname), at.seq)) return; // ADD COLUMN IF NOT EXISTS
        this.#setColumn(facts, col.colname, col, at);
        for (const con of columnConstraints(col)) this.#addConstraint(facts, con, [col.colname], at);
        return;
      }
      case 'AT_AlterColumnType': {
        const def = as(cmd.def, 'ColumnDef');
        const previous = cmd.name ? latest(facts.columns.get(cmd.name), at.seq) : undefined;
        // The new type, with the collation kept unless the command gives one.
        if (def && cmd.name) this.#setColumn(facts, cmd.name, def.collClause || !previous ? def : { ...def, collClause: previous.def.collClause }, at);
        return;
      }
      case 'AT_DropColumn':
        if (!cmd.name) return;
        push(facts.columns, cmd.name, { seq: at.seq, value: undefined });
        // Indexes on the column go with it.
        for (const ix of facts.indexes) if (ix.dropped === undefined && ix.columns.includes(cmd.name)) ix.dropped = at.seq;
        return;
      case 'AT_AddConstraint': {
        const con = as(cmd.def, 'Constraint');
        if (con) this.#addConstraint(facts, con, constraintColumns(con), at);
        return;
      }
      case 'AT_ValidateConstraint': {
        const known = cmd.name ? facts.constraintBefore(cmd.name, at.seq) : undefined;
        if (known) push(facts.constraints, known.name, { seq: at.seq, value: { ...known, notValid: false, validated: at } });
        return;
      }
      case 'AT_DropConstraint': {
        if (!cmd.name) return;
        push(facts.constraints, cmd.name, { seq: at.seq, value: undefined });
        for (const ix of facts.indexes) if (ix.dropped === undefined && ix.name === cmd.name) ix.dropped = at.seq;
        return;
      }
      default:
        return;
    }
  }

  #setColumn(facts: TableFacts, name: string, def: ColumnDef, at: Place): void {
    this.declarations.push({ seq: at.seq, name, def });
    push(facts.columns, name, { seq: at.seq, value: { def, statementIndex: at.statement } });
  }

  #addConstraint(facts: TableFacts, con: Constraint, columns: string[], at: Place): void {
    const type = CONSTRAINT_TYPES[con.contype ?? ''];
    if (!type) return;
    if (type === 'primary-key' || type === 'unique' || type === 'exclusion') {
      // USING INDEX adopts an existing index (renamed to the constraint's name).
      const adopted = con.indexname ? this.#indexNamed(facts.ref.schema, con.indexname, at.seq) : undefined;
      if (adopted) {
        if (con.conname) adopted.name = con.conname;
      } else if (type !== 'exclusion') {
        this.#addIndex(facts, con.conname ?? undefined, columns, true, !!con.where_clause, at);
      }
    }
    const name = con.conname ?? `${facts.ref.name}_${columns.join('_')}_${type}`;
    push(facts.constraints, name, { seq: at.seq, value: { name, type, columns, added: at, notValid: !!con.skip_validation } });
  }

  #addIndex(facts: TableFacts, name: string | undefined, columns: string[], unique: boolean, partial: boolean, at: Place): void {
    // CREATE INDEX IF NOT EXISTS over an index that exists does nothing.
    if (name && this.#indexNamed(facts.ref.schema, name, at.seq)) return;
    const ix: IndexFacts = { table: facts.ref.key, ...(name ? { name } : {}), columns, unique, partial, statementIndex: at.statement, seq: at.seq, owner: facts };
    facts.indexes.push(ix);
    if (name) push(this.#indexByName, indexKey(facts.ref.schema, name), ix);
  }

  #indexNamed(schema: string | undefined, name: string, seq: number): IndexFacts | undefined {
    const list = this.#indexByName.get(indexKey(schema, name));
    for (let i = (list?.length ?? 0) - 1; i >= 0; i--) {
      const ix = list![i]!;
      if (ix.seq < seq && (ix.dropped === undefined || ix.dropped >= seq)) return ix;
    }
    return undefined;
  }

  /** Adds `rows` (0 = empties it, as TRUNCATE; null = an unknown number) to the table's rows. */
  #fill(ref: TableRef | undefined, rows: number | null, at: Place, empties = false, literalRows = true): void {
    if (!ref) return;
    const facts = this.#ensure(ref, at);
    if (!empties && !literalRows) facts.fromQuery ??= at.seq;
    if (empties) facts.emptied.push(at.seq);
    const before = facts.created ? (latest(facts.fills, at.seq) ?? 0) : null;
    facts.fills.push({ seq: at.seq, value: empties ? 0 : rows === null || before === null ? null : before + rows });
  }

  /** Rows a query yields, when the replayed statements tell: VALUES lists are counted, a SELECT without FROM is one
   *  row, a SELECT (through joins, subqueries, CTEs, set operations) from tables created here and still empty none:
   *  a data migration replayed on a fresh install. Anything else is unknown (null). */
  #selectRows(node: Node | SelectStmt | undefined, seq: number, ctes = new Map<string, number | null>()): number | null {
    // The arms of a set operation are bare SelectStmts, not Nodes.
    const select = node && 'op' in node ? (node as SelectStmt) : as(node as Node | undefined, 'SelectStmt');
    if (!select) return null;
    if (select.withClause) {
      if (select.withClause.recursive) return null;
      ctes = new Map(ctes);
      for (const c of select.withClause.ctes ?? []) {
        const cte = as(c, 'CommonTableExpr');
        if (cte?.ctename) ctes.set(cte.ctename, this.#selectRows(cte.ctequery, seq, ctes));
      }
    }
    if (select.op && select.op !== 'SETOP_NONE') {
      const left = this.#selectRows(select.larg, seq, ctes);
      const right = this.#selectRows(select.rarg, seq, ctes);
      if (select.op === 'SETOP_UNION') return left === null || right === null ? null : left + right;
      if (select.op === 'SETOP_EXCEPT') return left === 0 ? 0 : null;
      return left === 0 || right === 0 ? 0 : null;
    }
    if (select.valuesLists) return select.valuesLists.length;
    const targets = JSON.stringify(select.targetList ?? []);
    // An aggregate without GROUP BY gives one row, even from no rows.
    if (!select.groupClause && AGGREGATE.test(targets)) return 1;
    // A set-returning function in the select list makes any number of rows per row.
    const perRow = SET_RETURNING.test(targets) ? null : 1;
    if (!select.fromClause?.length) return perRow;
    // At most the product of the sources' rows (outer joins keep the rows of a side even when the other is empty).
    const bound = (item: Node | undefined): number | null => {
      const rv = as(item, 'RangeVar');
      if (rv) {
        const ref = tableRef(rv);
        if (!ref) return null;
        if (!rv.schemaname && ctes.has(ref.name)) return ctes.get(ref.name)!;
        const table = this.table(ref.key, seq);
        return table?.created ? (table.rowsBefore(seq) ?? null) : null;
      }
      const sub = as(item, 'RangeSubselect');
      if (sub) return this.#selectRows(sub.subquery, seq, ctes);
      const join = as(item, 'JoinExpr');
      if (!join) return null;
      const l = bound(join.larg);
      const r = bound(join.rarg);
      if (l === null || r === null) return null;
      const outer = join.jointype === 'JOIN_LEFT' || join.jointype === 'JOIN_RIGHT' || join.jointype === 'JOIN_FULL';
      return outer ? Math.max(1, l) * Math.max(1, r) - (l === 0 && r === 0 ? 1 : 0) : l * r;
    };
    let rows: number | null = 1;
    for (const item of select.fromClause) {
      const b = bound(item);
      if (b === 0) return 0;
      rows = b === null || rows === null ? null : rows * b;
    }
    return rows === null || perRow === null ? null : rows;
  }

  /** ALTER TYPE / DOMAIN ... RENAME TO: the columns of that type are of the new name from then on (a column made
   *  again, by expand and contract, must be declared with it). */
  #renameType(names: string[], to: string, at: Place): void {
    const from = names.at(-1);
    const schema = names.length > 1 ? names.at(-2) : undefined;
    if (!from) return;
    const tables = new Set([...this.#byName.values()].flatMap((bindings) => bindings.map((b) => b.table)));
    for (const facts of tables) {
      for (const versions of facts.columns.values()) {
        const column = versions.at(-1)?.value;
        const type = column?.def.typeName;
        const typeNames = strings(type?.names);
        if (!column || !type || typeNames.at(-1) !== from || (schema && typeNames.length > 1 && typeNames.at(-2) !== schema)) continue;
        const renamed = { ...type, names: [...(type.names ?? []).slice(0, -1), { String: { sval: to } }] };
        versions.push({ seq: at.seq, value: { ...column, def: { ...column.def, typeName: renamed } } });
      }
    }
  }

  #rename(rename: NonNullable<ReturnType<typeof as<'RenameStmt'>>>, at: Place): void {
    const table = tableRef(rename.relation);
    const to = rename.newname;
    if (!to) return;
    switch (rename.renameType) {
      case 'OBJECT_TABLE':
        if (table) this.#moveTable(table, tableRefOf(table.schema, to), at);
        return;
      case 'OBJECT_COLUMN': {
        if (!table || !rename.subname) return;
        const facts = this.#ensure(table, at);
        const column = latest(facts.columns.get(rename.subname), at.seq);
        push(facts.columns, rename.subname, { seq: at.seq, value: undefined });
        if (column) push(facts.columns, to, { seq: at.seq, value: { ...column, statementIndex: at.statement, renamedFrom: rename.subname } });
        for (const ix of facts.indexes) if (ix.dropped === undefined) ix.columns = ix.columns.map((c) => (c === rename.subname ? to : c));
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        if (!table || !rename.subname) return;
        const facts = this.#ensure(table, at);
        const known = facts.constraintBefore(rename.subname, at.seq);
        push(facts.constraints, rename.subname, { seq: at.seq, value: undefined });
        if (known) push(facts.constraints, to, { seq: at.seq, value: { ...known, name: to } });
        return;
      }
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN':
        return this.#renameType(strings(as(rename.object, 'List')?.items), to, at);
      case 'OBJECT_INDEX': {
        if (!table) return;
        const ix = this.#indexNamed(table.schema, table.name, at.seq);
        if (!ix) return;
        const old = this.#indexByName.get(indexKey(table.schema, table.name))!;
        old.splice(old.indexOf(ix), 1);
        ix.name = to;
        push(this.#indexByName, indexKey(table.schema, to), ix);
        return;
      }
      default:
        return;
    }
  }

  #moveTable(from: TableRef, to: TableRef, at: Place): void {
    const facts = this.#unbind(from.key, at.seq) ?? this.#ensureThenUnbind(from, at);
    facts.ref = to;
    facts.renames.push({ seq: at.seq, from: from.name });
    this.#unbind(to.key, at.seq);
    this.#bind(to.key, facts, at.seq);
  }

  #ensureThenUnbind(ref: TableRef, at: Place): TableFacts {
    this.#ensure(ref, at);
    return this.#unbind(ref.key, at.seq)!;
  }

  #drop(type: string | undefined, objects: Node[], at: Place): void {
    for (const object of objects) {
      const names = strings(as(object, 'List')?.items);
      if (names.length === 0) continue;
      const name = names.at(-1)!;
      const schema = names.length > 1 ? names.at(-2) : undefined;
      if (type === 'OBJECT_TABLE') {
        const dropped = this.#unbind(tableRefOf(schema, name).key, at.seq);
        for (const ix of dropped?.indexes ?? []) if (ix.dropped === undefined) ix.dropped = at.seq;
      } else if (type === 'OBJECT_INDEX') {
        const ix = this.#indexNamed(schema, name, at.seq + 1);
        if (ix) ix.dropped = at.seq;
      }
    }
  }
}

const CONSTRAINT_TYPES: Partial<Record<string, KnownConstraint['type']>> = {
  CONSTR_CHECK: 'check',
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary-key',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'not-null',
};

/** The columns a table constraint is on: its key list (`fk_attrs` for a foreign key). */
function constraintColumns(con: Constraint): string[] {
  return columnNames(con.contype === 'CONSTR_FOREIGN' ? con.fk_attrs : con.keys);
}

function indexKey(schema: string | undefined, name: string): string {
  return `${schema ?? 'public'}.${name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
