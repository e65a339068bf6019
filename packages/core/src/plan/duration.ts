/** Durations the way PostgreSQL reads timeout settings: a number of milliseconds, or a number with a unit. */

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration given by a user or a migration: milliseconds as a number, or PostgreSQL's text form. */
export type Duration = number | string;

/**
 * Milliseconds from `500`, `'500ms'`, `'2s'`, `'1.5s'`, `'1min'`, `'1 h'`, `'0'`. A bare number is milliseconds, as
 * for PostgreSQL's `lock_timeout` and `statement_timeout`. 0 means "no timeout". Throws a RangeError naming the
 * accepted units for anything else, and for more than PostgreSQL's maximum (2147483647ms).
 */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`invalid duration ${value}: expected milliseconds >= 0`);
    return bounded(value, String(value));
  }
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m?.[2]?.toLowerCase() || 'ms';
  const factor = UNITS[unit];
  if (!m || factor === undefined) {
    throw new RangeError(`invalid duration "${value}": expected a number with a unit among ${Object.keys(UNITS).join(', ')} (e.g. 500ms, 2s, 1min)`);
  }
  return bounded(Number(m[1]) * factor, `"${value}"`);
}

/** A migration's own lock_timeout above this lets traffic queue behind a waiting statement for longer than a site
 *  tolerates (pgsafe's default is 2 s): `check` reports it like a missing one, `run` warns before using it. */
export const LONGEST_MIGRATION_LOCK_TIMEOUT_MS = 10_000;

/** PostgreSQL's timeouts are int milliseconds: a longer one is refused by the server, or was a typo. */
const MAX_MS = 2_147_483_647;

function bounded(ms: number, shown: string): number {
  if (ms > MAX_MS) throw new RangeError(`invalid duration ${shown}: longer than PostgreSQL accepts for a timeout (at most ${MAX_MS}ms, about 24.8 days)`);
  return Math.round(ms);
}

/** Short human form: `0` → `none`, `1500` → `1.5s`, `60000` → `1min`, `250` → `250ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return 'none';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000 || ms % 1000 !== 0) return `${trim(ms / 1000)}s`;
  if (ms < 3_600_000 || ms % 60_000 !== 0) return `${trim(ms / 60_000)}min`;
  return `${trim(ms / 3_600_000)}h`;
}

function trim(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** The value as PostgreSQL's SET takes it, exact to the millisecond: `'1500ms'`, or `0` for none. */
export function settingLiteral(ms: number): string {
  return ms === 0 ? '0' : `'${Math.round(ms)}ms'`;
}
