import { beforeAll, describe, expect, it } from 'vitest';
import * as libpgQuery from 'libpg-query';
import { loadParser, parseSync, scanSync, SqlError } from './pg-parser.js';

beforeAll(async () => {
  await Promise.all([loadParser(), libpgQuery.loadModule()]);
});

const INPUTS = [
  'CREATE TABLE "usérs" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, país text NOT NULL DEFAULT \'España\')',
  'ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c',
  "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$ LANGUAGE plpgsql",
  '-- a comment 🚀\nUPDATE t SET a = $1 WHERE id = $2 /* c */',
  'SELECT 1',
];

describe('pg-parser: libpg-query without its entry module', () => {
  it('gives the parse trees and tokens libpg-query itself gives', () => {
    for (const sql of INPUTS) {
      expect(parseSync(sql)).toEqual(libpgQuery.parseSync(sql));
      expect(scanSync(sql)).toEqual(libpgQuery.scanSync(sql));
    }
  });

  it('rejects what libpg-query rejects, with the same message and cursor', () => {
    for (const sql of ['ALTER TABLE "é" ADDD COLUMN x int', 'SELECT (', 'CREATE TABLE t (id int,)']) {
      let ours: unknown;
      let theirs: unknown;
      try {
        parseSync(sql);
      } catch (error) {
        ours = error;
      }
      try {
        libpgQuery.parseSync(sql);
      } catch (error) {
        theirs = error;
      }
      expect(ours).toBeInstanceOf(SqlError);
      expect((ours as SqlError).message).toBe((theirs as libpgQuery.SqlError).message);
      expect((ours as SqlError).sqlDetails).toEqual((theirs as libpgQuery.SqlError).sqlDetails);
    }
    expect(() => parseSync('')).toThrow('Query cannot be empty');
    expect(() => scanSync("SELECT 'unterminated")).toThrow();
  });
});
