/** An index of a partitioned table (PARTITION BY): PostgreSQL builds and drops none CONCURRENTLY ("cannot create
 *  index on partitioned table ... concurrently"), and a DO block cannot run CONCURRENTLY on the partitions it finds at
 *  run time. CREATE INDEX becomes the parent's index ON ONLY (no build, invalid until every partition has one), then
 *  one partition at a time its own index, built and attached in a transaction of its own: writes wait on that
 *  partition only, for its build only, instead of on the whole table for the whole build. The partition's index is
 *  created without a name, so PostgreSQL names it as it names the ones CREATE INDEX on the parent makes, and a
 *  matching index the partition already has is attached instead, as CREATE INDEX on the parent does. DROP INDEX
 *  stays as written (it scans nothing; the lock is brief, under lock_timeout). */
import { as, sqlOf, type TableRef } from '../ast.js';
import { quoteLiteral, quoteQualified } from '../sql.js';
import type { FixContext, Rewrite } from './types.js';

/** Stands for the partition in the deparsed statement until format() puts each partition there. */
const PARTITION = 'pgsafe_partition_placeholder';

export function partitionedIndex(ctx: FixContext): Rewrite | undefined {
  return createOnPartitioned(ctx) ?? dropOnPartitioned(ctx);
}

function createOnPartitioned(ctx: FixContext): Rewrite | undefined {
  const index = as(ctx.node, 'IndexStmt');
  const finding = ctx.findings.find((f) => f.rule === 'require-concurrent-index-creation');
  if (!finding || !index?.relation || index.concurrent || !ctx.table || !ctx.schema.isPartitioned(ctx.table, ctx.stmt.index)) return undefined;
  // ON ONLY builds nothing; an unnamed index cannot be named again by IF NOT EXISTS and ATTACH.
  if (index.relation.inh === false || !index.idxname) return undefined;
  // The deparser drops ONLY: it goes back in after the name.
  const parent = sqlOf({ IndexStmt: { ...index, if_not_exists: true } }).replace(/^(CREATE (?:UNIQUE )?INDEX IF NOT EXISTS (?:"(?:[^"]|"")*"|\S+) ON )/, '$1ONLY ');
  if (!/ ON ONLY /.test(parent)) return undefined;
  const perPartition = sqlOf({ IndexStmt: { ...index, idxname: undefined, if_not_exists: false, relation: { relname: PARTITION, inh: true, relpersistence: 'p' } } });
  const template = quoteLiteral(perPartition.replace(/%/g, '%%').replace(PARTITION, '%s'));
  return {
    rule: finding.rule,
    message: `CREATE INDEX on the partitioned table ${ctx.table.sql} (no CONCURRENTLY possible) → its index ON ONLY, then each partition's index built and attached one partition at a time`,
    pieces: [
      { sql: `${parent};`, transactional: true, slug: 'partitioned_index' },
      { sql: buildEachPartition(ctx.table, index.idxname, template), transactional: false, slug: 'partition_indexes', long: true },
    ],
  };
}

/** The DO block that gives every partition (found at run time) without an index attached to `name` its own, each
 *  committed on its own. A rerun goes on where it stopped. */
function buildEachPartition(table: TableRef, name: string, template: string): string {
  const parentIndex = quoteLiteral(quoteQualified(table.schema, name));
  return [
    `DO $$ DECLARE part regclass; made regclass; existing oid[]; BEGIN`,
    `  FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = ${quoteLiteral(table.sql)}::regclass ORDER BY inhrelid LOOP`,
    `    CONTINUE WHEN EXISTS (SELECT FROM pg_inherits ii JOIN pg_index i ON i.indexrelid = ii.inhrelid WHERE ii.inhparent = ${parentIndex}::regclass AND i.indrelid = part);`,
    `    -- As CREATE INDEX on the parent does, an index of the partition that matches is attached instead of built.`,
    `    made := (SELECT i.indexrelid::regclass FROM pg_index i, pg_index p WHERE p.indexrelid = ${parentIndex}::regclass AND i.indrelid = part AND i.indisvalid`,
    `             AND i.indisunique = p.indisunique AND NOT EXISTS (SELECT FROM pg_inherits WHERE inhrelid = i.indexrelid)`,
    `             AND ${usingPart('i')} = ${usingPart('p')} ORDER BY i.indexrelid LIMIT 1);`,
    `    IF made IS NULL THEN`,
    `      existing := ARRAY(SELECT indexrelid FROM pg_index WHERE indrelid = part);`,
    `      EXECUTE format(${template}, part);`,
    `      made := (SELECT indexrelid::regclass FROM pg_index WHERE indrelid = part AND indexrelid <> ALL (existing));`,
    `    END IF;`,
    `    EXECUTE format('ALTER INDEX %s ATTACH PARTITION %s', ${parentIndex}, made);`,
    `    RAISE NOTICE 'index % of partition % attached', made, part;`,
    `    COMMIT;`,
    `  END LOOP;`,
    `END $$;`,
  ].join('\n');
}

/** An index's definition from its access method on (columns, INCLUDE, WITH, WHERE), without its name and table. */
function usingPart(alias: string): string {
  return `substr(pg_get_indexdef(${alias}.indexrelid), strpos(pg_get_indexdef(${alias}.indexrelid), ' USING '))`;
}

function dropOnPartitioned(ctx: FixContext): Rewrite | undefined {
  const drop = as(ctx.node, 'DropStmt');
  const finding = ctx.findings.find((f) => f.rule === 'require-concurrent-index-deletion');
  if (!finding || !drop || drop.removeType !== 'OBJECT_INDEX') return undefined;
  const names = (drop.objects ?? []).map((o) => (as(o, 'List')?.items ?? []).map((i) => as(i, 'String')?.sval ?? ''));
  const partitioned = names.filter((n) => ctx.schema.indexOnPartitioned(n.length > 1 ? n.at(-2) : undefined, n.at(-1)!, ctx.stmt.index));
  if (!partitioned.length) return undefined;
  return {
    rule: finding.rule,
    message: 'DROP INDEX of a partitioned table stays as written',
    pieces: [],
    kept: true,
    todos: [`${partitioned.map((n) => n.join('.')).join(', ')} belongs to a partitioned table, whose indexes PostgreSQL cannot drop CONCURRENTLY: the DROP INDEX stays as written (it scans nothing; it waits for its lock under lock_timeout)`],
  };
}
