import { InvalidArgumentError } from 'commander';
import { LIVE_CHECKS, rules, SUPPRESSION_CHECKS } from '@pgsafe/core';

type Setting = 'error' | 'warning' | 'off';

const ALL = [...rules, ...SUPPRESSION_CHECKS, ...LIVE_CHECKS];
const KNOWN = new Set(ALL.map((r) => r.id));

/** Commander parser of `--rule` / `--skip-rule`: repeatable, each a comma-separated list of known rule ids. */
export function ruleIdsArg(value: string, previous: string[] = []): string[] {
  const ids = value.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !KNOWN.has(id));
  if (unknown.length) throw new InvalidArgumentError(`unknown rule ${unknown.join(', ')} (pgsafe check --list-rules lists them)`);
  return [...previous, ...ids];
}

/** The severities that run only the `only` rules (when given) and none of the `skip` ones, on top of the config's.
 *  A rule named by --rule runs even when it is opt-in or turned off in the config, at the config's severity if it
 *  gives one. */
export function selectRules(configured: Record<string, Setting>, only: string[] | undefined, skip: string[] | undefined): Record<string, Setting> {
  const severities = { ...configured };
  if (only?.length) {
    for (const rule of ALL) {
      const setting = configured[rule.id];
      severities[rule.id] = !only.includes(rule.id) ? 'off' : setting && setting !== 'off' ? setting : rule.severity;
    }
  }
  for (const id of skip ?? []) severities[id] = 'off';
  return severities;
}
