/** ADD CONSTRAINT ... UNIQUE → the unique index built CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX
 *  (instant: the index becomes the constraint's). */
import { as } from '../ast.js';
import { findingAt } from './finding-at.js';
import type { FixContext, Rewrite } from './types.js';

export function uniqueConstraint(ctx: FixContext): Rewrite | undefined {
  const cmd = as(as(ctx.node, 'AlterTableStmt')?.cmds?.[0], 'AlterTableCmd');
  const con = cmd?.subtype === 'AT_AddConstraint' ? as(cmd.def, 'Constraint') : undefined;
  const finding = con && findingAt(ctx, ['disallowed-unique-constraint'], con.location);
  if (!finding || con?.contype !== 'CONSTR_UNIQUE' || con.indexname) return undefined;
  // The rule's recipe is exactly the two statements, with PostgreSQL's own name for an unnamed constraint.
  const [build, attach] = finding.recipe.sql.split('\n');
  if (!build?.startsWith('CREATE UNIQUE INDEX CONCURRENTLY') || !attach?.startsWith('ALTER TABLE')) return undefined;
  // USING INDEX takes the constraint's timing as written; the index cannot carry it.
  const timing = `${con.deferrable ? ' DEFERRABLE' : ''}${con.initdeferred ? ' INITIALLY DEFERRED' : ''}`;
  const attached = timing ? attach.replace(/;$/, `${timing};`) : attach;
  return {
    rule: finding.rule,
    message: 'ADD CONSTRAINT ... UNIQUE → CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX',
    pieces: [
      { sql: build, transactional: false, slug: 'unique_index', long: true },
      { sql: attached, transactional: true, slug: 'attach_unique' },
    ],
  };
}
