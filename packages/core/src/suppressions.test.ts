import { describe, expect, it } from 'vitest';
import { findingsFor, rendered } from './testing/rule-kit.js';

const RENAME = 'ALTER TABLE users RENAME COLUMN name TO full_name;';
const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5s';";

describe('pgsafe-ignore comments', () => {
  it('silence the named rules for the next statement only', async () => {
    const sql = `${TIMEOUTS}\n-- pgsafe-ignore renaming-column: the app reads both names since v42\n${RENAME}\nALTER TABLE orders RENAME COLUMN total TO amount;`;
    const findings = await findingsFor(sql);
    expect(findings.map((f) => [f.rule, f.start.line])).toEqual([['renaming-column', 5]]);
  });

  it('accept several rules, and a file-level form', async () => {
    // SET LOGGED rewrites the table: it needs a statement_timeout too.
    const sql = `-- pgsafe-ignore-file require-lock-timeout, require-statement-timeout: run by pgsafe run, which sets both\n-- pgsafe-ignore renaming-column: both names are read since v42\n${RENAME}\nALTER TABLE users SET LOGGED;`;
    expect(await findingsFor(sql)).toEqual([]);
  });

  it('apply to the statement they sit in, too', async () => {
    const sql = `${TIMEOUTS}\nALTER TABLE users\n  -- pgsafe-ignore renaming-column: both names are read since v42\n  RENAME COLUMN name TO full_name;`;
    expect(await findingsFor(sql)).toEqual([]);
  });

  it('report an ignore that silences nothing', async () => {
    const sql = `${TIMEOUTS}\n-- pgsafe-ignore renaming-colum: typo\n${RENAME}`;
    const findings = await findingsFor(sql);
    expect(findings.map((f) => [f.rule, f.severity, f.start.line])).toEqual([
      ['unused-ignore', 'warning', 3],
      ['renaming-column', 'error', 4],
    ]);
    expect(await rendered('unused-ignore', sql)).toMatchSnapshot();
  });

  it('require a reason, and are not applied without one', async () => {
    const sql = `${TIMEOUTS}\n-- pgsafe-ignore renaming-column\n${RENAME}`;
    const findings = await findingsFor(sql);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ['ignore-without-reason', 'error'],
      ['renaming-column', 'error'],
    ]);
    expect(await rendered('ignore-without-reason', sql)).toMatchSnapshot();
  });

  it('are not confused by the same words inside a string', async () => {
    const sql = `${TIMEOUTS}\nCOMMENT ON TABLE users IS 'see\n-- pgsafe-ignore renaming-column: x';\n${RENAME}`;
    const findings = await findingsFor(sql);
    expect(findings.map((f) => f.rule)).toEqual(['renaming-column']);
  });
});
