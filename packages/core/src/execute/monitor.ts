/** While a statement runs, a second connection watches it: which sessions it waits behind in a lock queue, and
 *  how far an index build has got. */
import { blockersOf, indexBuildProgress, type Queryable } from './catalog.js';
import type { BlockingSession, IndexBuildProgress } from './types.js';

export interface StatementWatch {
  /** Stops polling; resolves once the last poll has finished (the monitor connection is free again). */
  stop(): Promise<void>;
  /** Every session seen blocking the statement, latest view of each. */
  blockers(): BlockingSession[];
}

export interface WatchOptions {
  intervalMs: number;
  /** Read pg_stat_progress_create_index this often; undefined: not an index build. */
  progressIntervalMs?: number;
  /** New blocking sessions appeared (all current ones given). */
  onBlocked(blockers: BlockingSession[], waitedMs: number): void;
  onProgress(progress: IndexBuildProgress): void;
}

/** A sleep that `wake()` ends early. */
function stoppableSleep() {
  let timer: NodeJS.Timeout | undefined;
  let resolve: (() => void) | undefined;
  return {
    sleep(ms: number) {
      return new Promise<void>((r) => {
        resolve = r;
        timer = setTimeout(r, ms);
      });
    },
    wake() {
      clearTimeout(timer);
      resolve?.();
    },
  };
}

export function watchStatement(q: Queryable, pid: number, options: WatchOptions): StatementWatch {
  const seen = new Map<number, BlockingSession>();
  const started = performance.now();
  const timer = stoppableSleep();
  let stopped = false;
  let lastProgress = -Infinity;
  let lastKey = '';
  const loop = (async () => {
    while (!stopped) {
      await timer.sleep(options.intervalMs);
      if (stopped) break;
      try {
        const blockers = await blockersOf(q, pid);
        const fresh = blockers.some((b) => !seen.has(b.pid));
        for (const b of blockers) seen.set(b.pid, b);
        if (fresh && !stopped) options.onBlocked(blockers, Math.round(performance.now() - started));
        if (options.progressIntervalMs !== undefined && performance.now() - lastProgress >= options.progressIntervalMs) {
          lastProgress = performance.now();
          const progress = await indexBuildProgress(q, pid);
          const key = progress && `${progress.phase}/${progress.blocksDone}/${progress.tuplesDone}/${progress.lockersDone}`;
          if (progress && key !== lastKey && !stopped) {
            lastKey = key!;
            options.onProgress(progress);
          }
        }
      } catch {
        // The monitor is best effort: a failed look (connection lost, query cancelled) never fails the migration.
        if (!stopped) await timer.sleep(options.intervalMs * 5);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      timer.wake();
      await loop;
    },
    blockers: () => [...seen.values()],
  };
}
