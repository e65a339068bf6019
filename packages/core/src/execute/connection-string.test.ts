import { describe, expect, it } from 'vitest';
import { ConnectionStringError, normalizeConnectionString } from './connection-string.js';
import { connectionTarget, redactText } from './redact.js';

describe('normalizeConnectionString', () => {
  it('takes URLs with stray spaces around them', () => {
    expect(normalizeConnectionString('  postgres://app:pw@db:6543/prod \n')).toBe('postgres://app:pw@db:6543/prod');
  });

  it('turns a libpq keyword/value string into a URL pg reads (quoted values, sockets, other settings)', () => {
    expect(normalizeConnectionString("host=db.internal port=6543 user=app password='p w\\'d' dbname=prod sslmode=require")).toBe(
      'postgresql://app:p%20w\'d@db.internal:6543/prod?sslmode=require',
    );
    expect(normalizeConnectionString('host=/var/run/postgresql dbname=app')).toBe('postgresql:///app?host=%2Fvar%2Frun%2Fpostgresql');
    expect(connectionTarget('host=db user=app password=secret dbname=prod')).toBe('app@db:5432/prod');
  });

  it('rejects what is neither, never quoting the password', () => {
    for (const bad of ['postgres://app:topsecret@db:notaport/prod', 'postgresql://app:topsecret@[::1/prod', "host=db user=app password='top secret"]) {
      const error = (() => {
        try {
          normalizeConnectionString(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConnectionStringError);
      expect((error as Error).message).not.toMatch(/topsecret|top secret|secret/);
    }
  });
});

describe('redactText', () => {
  it('hides passwords of URLs and keyword/value strings anywhere in a text (a stack trace)', () => {
    const stack = "TypeError: Invalid URL\n    input: 'postgres://app:topsecret@db:x/prod'\n    conninfo host=db password=hunter2 user=app\n    ?sslpassword=abc&x=1";
    const out = redactText(stack);
    expect(out).not.toMatch(/topsecret|hunter2|abc&/);
    expect(out).toContain('postgres://app:***@db:x/prod');
    expect(out).toContain('password=*** user=app');
  });
});
