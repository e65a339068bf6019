import { describe, expect, it } from 'vitest';
import { analyzeOptionsFrom, ConfigError, validateConfig } from './config.js';
import { findingsFor } from './testing/rule-kit.js';

describe('validateConfig', () => {
  it('accepts the documented keys', () => {
    const config = {
      pgVersion: 14,
      rules: { 'renaming-column': 'warning', 'unused-ignore': 'off' },
      assumeInTransaction: true,
      runnerSetsTimeouts: false,
      deploy: 'stop-the-app',
      run: { lockTimeout: '500ms', statementTimeout: 60000, longStatementTimeout: '2h', retries: 5, retryBudget: '2min', preflight: 'abort' },
    };
    expect(validateConfig(config, 'pgsafe.config.json')).toEqual(config);
  });

  it.each([
    [{ rulez: {} }, 'pgsafe.config.json: unknown key "rulez"'],
    [{ pgVersion: 9 }, '"pgVersion" must be a PostgreSQL major version from 11 to 18'],
    [{ rules: { 'renaming-colum': 'off' } }, 'unknown rule "renaming-colum"'],
    [{ rules: { 'renaming-column': 'info' } }, 'rule "renaming-column": expected "error", "warning" or "off", got "info"'],
    [{ assumeInTransaction: 'yes' }, '"assumeInTransaction" must be true or false'],
    [{ deploy: 'blue-green' }, '"deploy" must be one of rolling, stop-the-app, got "blue-green"'],
    [[], 'the config must be an object'],
    [{ run: { lockTimeot: '1s' } }, 'unknown key "run.lockTimeot"'],
    [{ run: { lockTimeout: '2 seconds' } }, '"run.lockTimeout": invalid duration "2 seconds"'],
    [{ run: { retries: -1 } }, '"run.retries" must be a whole number >= 0'],
    [{ run: { preflight: 'never' } }, '"run.preflight" must be "wait", "abort" or "off"'],
  ])('rejects %j', (config, message) => {
    expect(() => validateConfig(config, 'pgsafe.config.json')).toThrow(ConfigError);
    expect(() => validateConfig(config, 'pgsafe.config.json')).toThrow(message);
  });
});

describe('rule settings', () => {
  const sql = "SET lock_timeout = '1s';\nSET statement_timeout = '1s';\nALTER TABLE users RENAME COLUMN a TO b;\n-- pgsafe-ignore renaming-table: nothing to silence\nSELECT 1;";

  it('change a severity, turn a rule off, and apply to the suppression checks too', async () => {
    const before = await findingsFor(sql);
    expect(before.map((f) => [f.rule, f.severity])).toEqual([
      ['renaming-column', 'error'],
      ['unused-ignore', 'warning'],
    ]);
    const after = await findingsFor(sql, analyzeOptionsFrom({ rules: { 'renaming-column': 'warning', 'unused-ignore': 'off' } }));
    expect(after.map((f) => [f.rule, f.severity])).toEqual([['renaming-column', 'warning']]);
  });

  it('let explicit options win over the config', () => {
    expect(analyzeOptionsFrom({ pgVersion: 12, assumeInTransaction: true }, { pgVersion: 16 })).toMatchObject({ pgVersion: 16, assumeInTransaction: true });
    expect(analyzeOptionsFrom({ deploy: 'stop-the-app' })).toMatchObject({ deploy: 'stop-the-app' });
  });
});
