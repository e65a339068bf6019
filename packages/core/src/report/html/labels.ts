import type { TimelineStatus } from '../model.js';

export const STATUS_LABEL: Record<TimelineStatus, string> = {
  committed: 'committed',
  failed: 'failed',
  interrupted: 'interrupted',
  'not-run': 'not run',
  traced: 'traced',
  error: 'error',
  skipped: 'skipped',
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
