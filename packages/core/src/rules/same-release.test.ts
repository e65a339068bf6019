import { describe, expect, it } from 'vitest';
import { MigrationHistory } from '../context/history.js';
import { parseMigration } from '../parse.js';

/** Issue 22: renames, drops and lock waits on what the same release created (an earlier migration written less than
 *  12 hours before, by the timestamps of their names) touch nothing a running release uses. */
function findings(rule: string, steps: [name: string, sql: string][]) {
  const history = new MigrationHistory({ pgVersion: 15 });
  let last: { rule: string; message: string }[] = [];
  for (const [name, sql] of steps) last = history.next(parseMigration(sql, name), { name });
  return last.filter((f) => f.rule === rule).map((f) => f.message);
}

const OLD: [string, string] = ['20230105093000_create_accounts', 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text);\nCREATE TABLE plans (id bigint PRIMARY KEY);'];

describe('what the same release created', () => {
  it('renaming-column: not for a column an earlier migration of the same change added; still for one an older release has', () => {
    const add: [string, string] = ['20240111100000_add_nick', 'ALTER TABLE accounts ADD COLUMN nick text;'];
    expect(findings('renaming-column', [OLD, add, ['20240111140000_rename_nick', 'ALTER TABLE accounts RENAME COLUMN nick TO nickname;']])).toEqual([]);
    // A day later the column may have shipped: the previous release uses it.
    expect(findings('renaming-column', [OLD, add, ['20240112140000_rename_nick', 'ALTER TABLE accounts RENAME COLUMN nick TO nickname;']])).toHaveLength(1);
    expect(findings('renaming-column', [OLD, add, ['20240111140000_rename_name', 'ALTER TABLE accounts RENAME COLUMN name TO full_name;']])).toHaveLength(1);
    // Names without a timestamp say nothing about when.
    expect(findings('renaming-column', [['V1__accounts', OLD[1]], ['V2__nick', add[1]], ['V3__rename', 'ALTER TABLE accounts RENAME COLUMN nick TO nickname;']])).toHaveLength(1);
  });

  it('renaming-column: not for a column of a table the same change created (diesel names, seconds apart)', () => {
    const steps: [string, string][] = [
      OLD,
      ['2025-08-01-000016_merge_actions', 'CREATE TABLE account_actions (account_id bigint, liked timestamptz);'],
      ['2025-08-01-000055_rename_at', 'ALTER TABLE account_actions RENAME COLUMN liked TO liked_at;\nALTER TABLE accounts RENAME COLUMN name TO name_text;'],
    ];
    expect(findings('renaming-column', steps)).toEqual(['Renaming accounts.name to name_text breaks every running query that still uses name.']);
  });

  it('renaming-table and ban-drop-table: not for a table the same change created', () => {
    const create: [string, string] = ['20240111100000_create_sessions_new', 'CREATE TABLE sessions_new (id bigint PRIMARY KEY);'];
    expect(findings('renaming-table', [OLD, create, ['20240111113000_swap', 'ALTER TABLE sessions_new RENAME TO sessions;']])).toEqual([]);
    expect(findings('renaming-table', [OLD, create, ['20240115113000_swap', 'ALTER TABLE sessions_new RENAME TO sessions;']])).toHaveLength(1);
    expect(findings('ban-drop-table', [OLD, create, ['20240111113000_drop', 'DROP TABLE sessions_new, plans;']])).toEqual([
      'Dropping plans loses its data and breaks the code still using it.',
    ]);
    expect(findings('ban-drop-table', [OLD, create, ['20240113113000_drop', 'DROP TABLE sessions_new;']])).toHaveLength(1);
  });

  it('ban-drop-column: not for a column the same change added (nor one renamed into its name by it)', () => {
    const add: [string, string] = ['20240111100000_add_tmp', 'ALTER TABLE accounts ADD COLUMN name_tmp text;\nALTER TABLE accounts RENAME COLUMN name TO label;'];
    const drop = 'ALTER TABLE accounts DROP COLUMN name_tmp, DROP COLUMN label, DROP COLUMN id;';
    expect(findings('ban-drop-column', [OLD, add, ['20240111110000_drop', drop]])).toEqual([
      'Dropping accounts.id breaks every running query that still names it, and its data is gone.',
    ]);
    expect(findings('ban-drop-column', [OLD, add, ['20240201110000_drop', drop]])).toHaveLength(3);
  });

  it('require-lock-timeout: no lock wait on a table the same change created; still on an older one', () => {
    const create: [string, string] = ['20240111100000_create_hooks', 'CREATE TABLE hooks (id bigint PRIMARY KEY);'];
    expect(findings('require-lock-timeout', [OLD, create, ['20240111103000_hook_secret', 'ALTER TABLE hooks ADD COLUMN secret text;']])).toEqual([]);
    expect(findings('require-lock-timeout', [OLD, create, ['20240118103000_hook_secret', 'ALTER TABLE hooks ADD COLUMN secret text;']])).toHaveLength(1);
    // The first statement at risk is reported, past the new table.
    expect(findings('require-lock-timeout', [OLD, create, ['20240111103000_hook_secret', 'ALTER TABLE hooks ADD COLUMN secret text;\nALTER TABLE plans ADD COLUMN hook_id bigint;']]))
      .toEqual([expect.stringContaining('ACCESS EXCLUSIVE lock on plans')]);
  });

  it('lock-queue-risk: a table the same change created is neither held traffic nor a queue', () => {
    const create: [string, string] = ['20240111100000_create_hooks', 'CREATE TABLE hooks (id bigint PRIMARY KEY);'];
    const tx = (body: string) => `BEGIN;\n${body}\nCOMMIT;`;
    expect(findings('lock-queue-risk', [OLD, create, ['20240111103000_both', tx('ALTER TABLE accounts ADD COLUMN x int;\nALTER TABLE hooks ADD COLUMN y int;')]])).toEqual([]);
    expect(findings('lock-queue-risk', [OLD, create, ['20240111103000_both', tx('ALTER TABLE hooks ADD COLUMN y int;\nALTER TABLE accounts ADD COLUMN x int;')]])).toEqual([]);
    expect(findings('lock-queue-risk', [OLD, create, ['20240111103000_both', tx('ALTER TABLE accounts ADD COLUMN x int;\nALTER TABLE plans ADD COLUMN y int;')]])).toHaveLength(1);
    expect(findings('lock-queue-risk', [OLD, create, ['20240121103000_both', tx('ALTER TABLE accounts ADD COLUMN x int;\nALTER TABLE hooks ADD COLUMN y int;')]])).toHaveLength(1);
  });
});

describe('what the history renamed aside or retires', () => {
  it('renamedAside: the old name with a word like old, legacy, deprecated, backup added', async () => {
    const { renamedAside } = await import('../same-change.js');
    expect(renamedAside('employeeCount', 'old_employeeCount')).toBe(true);
    expect(renamedAside('memberToMerge', 'memberToMergeOld')).toBe(true);
    expect(renamedAside('plans', 'plans_deprecated')).toBe(true);
    expect(renamedAside('user_', 'person')).toBe(false);
    expect(renamedAside('name', 'name_text')).toBe(false);
    expect(renamedAside('bold', 'bold_flag')).toBe(false);
  });

  it('ban-drop-column and ban-drop-table: not for what an earlier release renamed aside; still for a plain rename', () => {
    const aside: [string, string] = ['20240301100000_aside', 'ALTER TABLE accounts RENAME COLUMN name TO old_name;\nALTER TABLE plans RENAME TO plans_legacy;'];
    expect(findings('ban-drop-column', [OLD, aside, ['20240901100000_cleanup', 'ALTER TABLE accounts DROP COLUMN old_name;']])).toEqual([]);
    expect(findings('ban-drop-table', [OLD, aside, ['20240901100000_cleanup', 'DROP TABLE plans_legacy;']])).toEqual([]);
    const renamed: [string, string] = ['20240301100000_rename', 'ALTER TABLE accounts RENAME COLUMN name TO title;\nALTER TABLE plans RENAME TO tiers;'];
    expect(findings('ban-drop-column', [OLD, renamed, ['20240901100000_cleanup', 'ALTER TABLE accounts DROP COLUMN title;']])).toHaveLength(1);
    expect(findings('ban-drop-table', [OLD, renamed, ['20240901100000_cleanup', 'DROP TABLE tiers;']])).toHaveLength(1);
    // A column added under such a name was never renamed aside: someone may use it.
    expect(findings('ban-drop-column', [OLD, ['20240301100000_add', 'ALTER TABLE accounts ADD COLUMN old_email text;'], ['20240901100000_cleanup', 'ALTER TABLE accounts DROP COLUMN old_email;']])).toHaveLength(1);
  });

  it('lock-queue-risk: a table held by the statement that drops it or renames it aside is no queue of its own', () => {
    const tx = (body: string) => `BEGIN;\n${body}\nCOMMIT;`;
    const both = (sql: string) => findings('lock-queue-risk', [OLD, ['20240901100000_retire', tx(sql)]]);
    expect(both('DROP TABLE plans;\nDROP TABLE accounts;')).toEqual([]);
    expect(both('ALTER TABLE plans RENAME TO old_plans;\nALTER TABLE accounts RENAME TO old_accounts;')).toEqual([]);
    // Held by an ALTER first, or renamed to a name in use: still held traffic.
    expect(both('ALTER TABLE plans ADD COLUMN x int;\nDROP TABLE plans;\nDROP TABLE accounts;')).toHaveLength(1);
    expect(both('ALTER TABLE plans RENAME TO tiers;\nALTER TABLE accounts ADD COLUMN x int;')).toHaveLength(1);
  });
});
