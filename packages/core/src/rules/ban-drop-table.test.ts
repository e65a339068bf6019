import { describe, expect, it } from 'vitest';
import { seedRows, useTestDatabase } from '@pgsafe/testing';
import { rendered, ruleFindings } from '../testing/rule-kit.js';

const ID = 'ban-drop-table';

describe(ID, () => {
  it('flags dropping an existing table, and says what CASCADE adds', async () => {
    const sql = 'DROP TABLE IF EXISTS audit_log CASCADE;';
    const findings = await ruleFindings(ID, sql);
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0]!.message).toContain('with CASCADE');
    expect(await rendered(ID, sql)).toMatchSnapshot();
  });

  it('is not reported when the previous release is stopped before the migrations run (deploy: stop-the-app, issue 22)', async () => {
    expect(await ruleFindings(ID, 'DROP TABLE audit_log;', { deploy: 'stop-the-app' })).toEqual([]);
    expect(await ruleFindings(ID, 'DROP TABLE audit_log;', { deploy: 'rolling' })).toHaveLength(1);
  });

  it('accepts dropping a table created earlier in the migration', async () => {
    expect(await ruleFindings(ID, 'CREATE TABLE tmp_import (id int);\nDROP TABLE tmp_import;')).toEqual([]);
  });
});

describe(`${ID} on PostgreSQL`, () => {
  const db = useTestDatabase('drop_table');

  it('CASCADE silently drops the views that depend on the table', async () => {
    await db.current.query('CREATE TABLE audit_log (id bigint PRIMARY KEY, what text)');
    await seedRows(db.current, 'audit_log', 1000, { id: 'i', what: "'x'" });
    await db.current.query('CREATE VIEW recent_audit AS SELECT * FROM audit_log WHERE id > 900');
    await db.current.query('DROP TABLE audit_log CASCADE');
    await expect(db.current.query('SELECT count(*) FROM recent_audit')).rejects.toMatchObject({ code: '42P01' });
  });
});
