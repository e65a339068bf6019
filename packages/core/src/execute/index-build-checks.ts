/**
 * The checks `pgsafe run` makes around a CREATE INDEX CONCURRENTLY, for a runner that sends the statement itself
 * (the ORM guards): before it, an orphaned build of the index is cancelled and anybody else's waited for, and a
 * VALID index that IF NOT EXISTS would skip must be the one asked for; after it, the index must be VALID (else it is
 * dropped, and built again while retries last). Errors are thrown with the reason; events say what was done.
 */
import type { Step } from '../plan/types.js';
import type { Queryable, ResolvedTable } from './catalog.js';
import { dropIndexConcurrently, namedLeftovers } from './index-cleanup.js';
import { checkBeforeBuild, indexValid, otherDefinitionMessage } from './index-check.js';
import { ALIVE_LOCK_KEY } from './run-lock.js';

export type IndexBuildEvent =
  /** Another session builds the index: an orphan of a killed pgsafe run (cancelled) or anybody else's (waited for). */
  | { type: 'orphaned-build'; index: string; pid: number; applicationName: string; action: 'cancel' | 'wait' }
  | { type: 'warning'; message: string };

export interface IndexBuildChecksInput {
  /** The session that sends the statement, in autocommit. */
  q: Queryable;
  pid: number;
  step: Step;
  /** The statement as it is sent. */
  sql: string;
  /** The index's table (cleanupTable). */
  table: ResolvedTable;
  /** performance.now() after which another session's build is no longer waited for. */
  deadline: number;
  pollMs: number;
  emit: (event: IndexBuildEvent) => void;
}

export interface IndexBuildChecks {
  /** Before each attempt; throws when the statement must not be sent. */
  before(): Promise<void>;
  /** After an attempt that succeeded: true when the index is VALID; false when it was INVALID and was dropped for
   *  another attempt; throws when it was INVALID after the last one (`last`). */
  after(attempt: number, last: boolean): Promise<boolean>;
}

/** The checks for `step`, or undefined when it builds no named index (REINDEX has its own leftovers). */
export function indexBuildChecks(input: IndexBuildChecksInput): IndexBuildChecks | undefined {
  const { q, step, emit } = input;
  const cleanup = step.indexCleanup;
  const index = cleanup?.index;
  if (!cleanup || !index || cleanup.reindex) return undefined;
  const ifNotExists = cleanup.ifNotExists === true;
  return {
    async before() {
      const found = await checkBeforeBuild({
        q,
        compareOn: q,
        index,
        statement: { text: input.sql, ifNotExists },
        ownPids: [input.pid],
        aliveLockKey: ALIVE_LOCK_KEY,
        deadline: input.deadline,
        budgetMs: step.retry.budgetMs,
        pollMs: input.pollMs,
        onBuilder: (qualified, builder, action) => emit({ type: 'orphaned-build', index: qualified, pid: builder.pid, applicationName: builder.applicationName, action }),
      });
      if (found.outcome === 'still-building') throw new Error(`pgsafe did not send this statement: ${found.message}`);
      if (found.outcome !== 'exists') return;
      if (found.same === false) throw new Error(`pgsafe did not send this statement: ${otherDefinitionMessage(found.existing)}`);
      emit({
        type: 'warning',
        message:
          found.same === undefined
            ? `${found.existing.qualified} exists (VALID); its definition could not be compared with the statement's, whose IF NOT EXISTS skips the build`
            : `${found.existing.qualified} exists (VALID, the definition asked for): IF NOT EXISTS skips the build`,
      });
    },
    async after(attempt, last) {
      if ((await indexValid(q, index)) !== false) return true;
      const bound = Math.max(5000, Math.round(input.deadline - performance.now()));
      for (const leftover of await namedLeftovers(q, input.table, cleanup)) await dropIndexConcurrently(q, leftover, { lockTimeoutMs: bound, statementTimeoutMs: bound });
      if (last) throw new Error(`pgsafe: the index ${index.name} was INVALID after ${attempt} build${attempt === 1 ? '' : 's'}; it was dropped`);
      emit({ type: 'warning', message: `the index ${index.name} was INVALID after the build: dropped, building it again` });
      return false;
    },
  };
}
