/** Steady application traffic during a test: one session running a query in a loop, every wait measured. */
import { openSession } from './sessions.js';

export interface TrafficReport {
  /** Latency of each query, in ms, in order. */
  latencies: number[];
  max: number;
  count: number;
  errors: (Error & { code?: string })[];
}

export interface Traffic {
  /** Stops after the query in flight and reports what the application saw. */
  stop(): Promise<TrafficReport>;
}

/** Runs `sql` in a loop on its own session (with `pauseMs` between queries) until stop(). */
export async function steadyQueries(url: string, sql: string | (() => string), options: { applicationName?: string; pauseMs?: number } = {}): Promise<Traffic> {
  const client = await openSession(url, options.applicationName ?? 'pgsafe-test-traffic');
  const latencies: number[] = [];
  const errors: (Error & { code?: string })[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      try {
        await client.query(typeof sql === 'function' ? sql() : sql);
      } catch (error) {
        errors.push(error as Error & { code?: string });
      }
      latencies.push(performance.now() - start);
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => {});
      return { latencies, max: Math.max(0, ...latencies), count: latencies.length, errors };
    },
  };
}
