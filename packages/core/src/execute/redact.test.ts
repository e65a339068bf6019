import { describe, expect, it } from 'vitest';
import { connectionTarget, redactConnectionString } from './redact.js';
import { ConnectionError, openConnection } from './connection.js';

describe('redactConnectionString', () => {
  it('hides passwords in URLs, their query strings and keyword/value strings', () => {
    expect(redactConnectionString('postgres://app:s3cr%40t@db.internal:6543/prod?sslmode=require')).toBe('postgres://app:***@db.internal:6543/prod?sslmode=require');
    expect(redactConnectionString('postgresql://app@db/prod?password=hunter2&application_name=x')).toBe('postgresql://app@db/prod?password=***&application_name=x');
    expect(redactConnectionString("host=db user=app password='a b c' dbname=prod")).toBe('host=db user=app password=*** dbname=prod');
    expect(redactConnectionString('postgres://app@db/prod')).toBe('postgres://app@db/prod');
  });

  it('names the target as user@host:port/database', () => {
    expect(connectionTarget('postgres://app:secret@db.internal:6543/prod')).toBe('app@db.internal:6543/prod');
  });
});

describe('openConnection', () => {
  it('fails with the host and port, never the password', async () => {
    const error = await openConnection('postgres://app:topsecret@127.0.0.1:1/prod', { connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const e = error as ConnectionError;
    expect(e.message).toMatch(/^cannot connect to PostgreSQL at app@127\.0\.0\.1:1\/prod: connection refused/);
    expect(e.message).not.toContain('topsecret');
  });
});
