import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, pgsafeSync as pgsafe } from '@pgsafe/testing';

const page = (id: string) => readFileSync(fileURLToPath(new URL(`../../../docs/rules/${id}.md`, import.meta.url)), 'utf8');

beforeAll(assertCliBuilt);

describe('pgsafe explain', { timeout: 60_000 }, () => {
  it('prints a rule page in the terminal: the example, its finding, the lock, why, the safe way, how to accept it', () => {
    const r = pgsafe(['explain', 'adding-required-field']);
    expect(r.code).toBe(0);
    for (const part of [
      'adding-required-field (error)',
      '  │ ALTER TABLE users ADD COLUMN country text NOT NULL;',
      'example.sql:1:30: error: Adding NOT NULL column country to users without a DEFAULT fails if the table has any row. [adding-required-field]',
      'Lock\n\nACCESS EXCLUSIVE on `users`',
      'Why it is dangerous',
      '  │ ALTER TABLE users ADD CONSTRAINT users_country_not_null',
      'PostgreSQL versions: A constant DEFAULT is instant from PG 11',
      '  │ -- pgsafe-ignore adding-required-field: <why it is safe here>',
      'docs: https://github.com/pgsafe/pgsafe/blob/main/docs/rules/adding-required-field.md',
    ])
      expect(r.stdout).toContain(part);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('--markdown prints the page of docs/rules as it is in the repository', () => {
    for (const id of ['require-lock-timeout', 'unused-ignore', 'live-data-violation']) expect(pgsafe(['explain', id, '--markdown']).stdout).toBe(page(id));
  });

  it('lists the rules without an id, and exits 2 on an unknown one with the ids it may mean', () => {
    const list = pgsafe(['explain']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^renaming-column +error +RENAME COLUMN breaks/m);
    expect(list.stdout).toMatch(/^live-data-violation +error /m);
    const unknown = pgsafe(['explain', 'renaming']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule renaming (did you mean renaming-column, renaming-schema, renaming-table?)');
  });
});

describe('findings link to their rule page', { timeout: 60_000 }, () => {
  it('pretty output ends each finding with the page', () => {
    const r = pgsafe(['check', '-', '--stdin-filename', 'db/001.sql'], { input: 'ALTER TABLE users RENAME COLUMN a TO b;\n' });
    expect(r.stdout).toContain('  | docs: https://github.com/pgsafe/pgsafe/blob/main/docs/rules/renaming-column.md\n');
  });

  it('sarif rule descriptors carry helpUri and the page as help.markdown, with links that work outside the repository', () => {
    const r = pgsafe(['check', '-', '--stdin-filename', 'db/001.sql', '--format', 'sarif'], { input: 'ALTER TABLE users RENAME COLUMN a TO b;\n' });
    const rules = JSON.parse(r.stdout).runs[0].tool.driver.rules as { id: string; helpUri: string; help: { text: string; markdown: string } }[];
    const renaming = rules.find((x) => x.id === 'renaming-column')!;
    expect(renaming.helpUri).toBe('https://github.com/pgsafe/pgsafe/blob/main/docs/rules/renaming-column.md');
    const absolute = page('renaming-column')
      .replace('[All rules](README.md)', '[All rules](https://github.com/pgsafe/pgsafe/blob/main/docs/rules/README.md)')
      .replace('(../../bench/README.md#precision)', '(https://github.com/pgsafe/pgsafe/blob/main/bench/README.md#precision)')
      .replace('(../precision.md)', '(https://github.com/pgsafe/pgsafe/blob/main/docs/precision.md)');
    expect(renaming.help.markdown).toBe(absolute);
    expect(rules.map((x) => x.id)).toContain('live-data-violation');
    for (const x of rules) expect(x.help.markdown, x.id).not.toMatch(/\]\((?!https:)/);
  });
});
