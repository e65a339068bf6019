import { as, strings } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteLiteral, quoteQualified } from '../sql.js';

/** ALTER TYPE ... ADD VALUE fails inside a transaction block before PG 12; from PG 12 it runs, but the new value
 *  cannot be used until the transaction commits ("unsafe use of new value"). */
export default defineRule({
  id: 'enum-value-in-transaction',
  severity: 'error',
  kinds: ['AlterEnumStmt'],
  summary: 'ALTER TYPE ... ADD VALUE in a transaction: fails before PG 12; from PG 12 the value is unusable until commit.',
  check(ctx) {
    const alter = as(ctx.statement.node, 'AlterEnumStmt');
    if (!alter?.newVal || !ctx.state.inTransaction) return undefined;
    const parts = strings(alter.typeName);
    const type = quoteQualified(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1] ?? '');
    const literal = quoteLiteral(alter.newVal);
    const tx = ctx.state.transaction;
    // Adding the same label to another enum (Prisma adds one value to several) is not a use of this one.
    const user = ctx.migration.statements.find((s) => s.index > ctx.statement.index && ctx.states[s.index]!.transaction === tx && s.kind !== 'AlterEnumStmt' && s.text.includes(literal));
    if (ctx.options.pgVersion >= 12 && !user) return undefined;
    const recipe = {
      summary: 'Add the value in its own migration (outside a transaction before PG 12), and use it in a later one.',
      sql: [`ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${literal};`, `-- commit here; statements that use ${literal} go in the next migration`].join('\n'),
      versions: 'ADD VALUE inside a transaction block: PG 12+; the new value is usable only after the transaction commits.',
    };
    return ctx.options.pgVersion < 12
      ? {
          message: `ALTER TYPE ${type} ADD VALUE cannot run inside a transaction block before PostgreSQL 12: the migration fails.`,
          why: 'Before PG 12, adding an enum value inside a transaction block is refused ("ALTER TYPE ... ADD cannot run inside a transaction block"), and ORMs such as knex, TypeORM and MikroORM wrap migrations in a transaction.',
          recipe,
        }
      : {
          message: `${literal} is used on line ${user!.start.line} in the same transaction that adds it to ${type}: PostgreSQL refuses it until the transaction commits.`,
          why: `A value added by ALTER TYPE ... ADD VALUE cannot be used in the same transaction ("unsafe use of new value ${literal} of enum type"), so the statement on line ${user!.start.line} fails and the whole migration rolls back.`,
          recipe,
        };
  },
});
