import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration } from './parse.js';
import { resolveOptions, type AnalyzeOptions } from './options.js';
import { trackStates } from './transactions.js';

beforeAll(() => loadParser());

const states = (sql: string, options: AnalyzeOptions = {}) => trackStates(parseMigration(sql).statements, resolveOptions(options));

describe('trackStates', () => {
  it('follows explicit BEGIN/COMMIT blocks; autocommit statements have no transaction', () => {
    const s = states('SELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;\nSELECT 3;\nSTART TRANSACTION;\nSELECT 4;\nROLLBACK;');
    expect(s.map((x) => x.transaction)).toEqual([undefined, 0, 0, 0, undefined, 1, 1, 1]);
    expect(s.map((x) => x.inTransaction)).toEqual([false, true, true, true, false, true, true, true]);
  });

  it('puts the whole file in one transaction when the runner wraps it', () => {
    expect(states('SELECT 1;\nSELECT 2;', { assumeInTransaction: true }).map((x) => x.transaction)).toEqual([0, 0]);
  });

  it('follows an implicit transaction (one multi-statement query): BEGIN makes it explicit, COMMIT ends it, the next statement opens another', () => {
    const s = states('SELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;\nSELECT 3;\nSELECT 4;', { implicitTransaction: true });
    expect(s.map((x) => x.transaction)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(s.every((x) => x.inTransaction)).toBe(true);
  });

  it('tracks SET, SET LOCAL, RESET and RESET ALL of the timeouts', () => {
    const s = states(
      [
        "SET lock_timeout = '2s';", // 0
        'SELECT 1;', // 1
        'BEGIN;', // 2
        'SET LOCAL lock_timeout = 500;', // 3
        'SELECT 2;', // 4
        'COMMIT;', // 5
        'SELECT 3;', // 6
        'RESET lock_timeout;', // 7
        "SET statement_timeout TO '1min';", // 8
        'SELECT 4;', // 9
        'RESET ALL;', // 10
        'SELECT 5;', // 11
      ].join('\n'),
    );
    expect(s.map((x) => x.lockTimeout)).toEqual([undefined, '2s', '2s', '2s', '500', '500', '2s', '2s', undefined, undefined, undefined, undefined]);
    expect(s[9]!.statementTimeout).toBe('1min');
    expect(s[11]!.statementTimeout).toBeUndefined();
  });

  it('treats 0 as disabled and SET LOCAL outside a transaction as no-op', () => {
    expect(states("SET lock_timeout = 0;\nSELECT 1;\nSET lock_timeout = '0ms';\nSELECT 2;").map((x) => x.lockTimeout)).toEqual([undefined, undefined, undefined, undefined]);
    expect(states("SET LOCAL lock_timeout = '1s';\nSELECT 1;")[1]!.lockTimeout).toBeUndefined();
  });

  it('ends SET LOCAL with ROLLBACK too; a SET after SET LOCAL outlives the transaction, as PostgreSQL does', () => {
    expect(states("BEGIN;\nSET LOCAL lock_timeout = '1s';\nROLLBACK;\nSELECT 1;")[3]!.lockTimeout).toBeUndefined();
    const s = states("BEGIN;\nSET LOCAL lock_timeout = '1s';\nSET lock_timeout = '3s';\nSELECT 1;\nCOMMIT;\nSELECT 2;");
    expect(s.map((x) => x.lockTimeout)).toEqual([undefined, undefined, '1s', '3s', '3s', '3s']);
    const t = states("SET lock_timeout = '3s';\nBEGIN;\nSET LOCAL lock_timeout = '1s';\nSELECT 1;\nCOMMIT;\nSELECT 2;");
    expect(t.map((x) => x.lockTimeout)).toEqual([undefined, '3s', '3s', '1s', '1s', '3s']);
  });

  it('undoes a plain SET made inside a block that rolls back, as PostgreSQL does; a committed one stays', () => {
    const s = states("BEGIN;\nSET lock_timeout = '3s';\nROLLBACK;\nSELECT 1;\nBEGIN;\nSET lock_timeout = '4s';\nCOMMIT;\nSELECT 2;");
    expect(s[3]!.lockTimeout).toBeUndefined();
    expect(s[7]!.lockTimeout).toBe('4s');
  });

  it('treats SET ... TO DEFAULT like RESET, and keeps the two timeouts apart', () => {
    const s = states("SET lock_timeout = '2s';\nSET statement_timeout = '5s';\nSET lock_timeout TO DEFAULT;\nSELECT 1;\nRESET statement_timeout;\nSELECT 2;");
    expect(s[3]).toMatchObject({ lockTimeout: undefined, statementTimeout: '5s' });
    expect(s[5]).toMatchObject({ lockTimeout: undefined, statementTimeout: undefined });
    expect(states("SET SESSION statement_timeout = 500;\nSELECT 1;")[1]!.statementTimeout).toBe('500');
  });

  it('reports runner-set timeouts from the first statement', () => {
    expect(states('SELECT 1;', { runnerSetsTimeouts: true })[0]).toMatchObject({ lockTimeout: 'set by the runner', statementTimeout: 'set by the runner' });
  });
});

describe('trackStates with a runner that regroups statements', () => {
  it('takes the transaction of each statement from the runner', () => {
    const s = states('ALTER TABLE t ADD COLUMN a int;\nUPDATE t SET a = 1;\nCREATE INDEX CONCURRENTLY i ON t (a);', { transactions: [1, 1, undefined] });
    expect(s.map((x) => [x.inTransaction, x.transaction])).toEqual([
      [true, 1],
      [true, 1],
      [false, undefined],
    ]);
  });
});
