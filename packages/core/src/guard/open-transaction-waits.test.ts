/** Which statements of a batch run outside its open transaction would wait for that transaction's locks. */
import { describe, expect, it } from 'vitest';
import { openTransactionWaits } from './open-transaction-waits.js';

describe('openTransactionWaits', () => {
  it('finds a concurrent index build on a table an earlier migration of the batch altered', async () => {
    expect(
      await openTransactionWaits([
        { name: 'AddBio', statements: ['set names \'utf8\';', 'alter table "users" add "bio" text;'], transactional: true },
        { name: 'IndexEmail', statements: ['create index concurrently "users_email_index" on "users" ("email");'], transactional: false },
      ]),
    ).toEqual([
      {
        migration: 'IndexEmail',
        statement: 'create index concurrently "users_email_index" on "users" ("email")',
        heldBy: 'AddBio',
        heldByStatement: 'alter table "users" add "bio" text',
        table: 'users',
        reason: 'lock',
      },
    ]);
  });

  it('lets through builds on other tables, and builds that come before the transactional work', async () => {
    expect(
      await openTransactionWaits([
        { name: 'IndexEmail', statements: ['create index concurrently "users_email_index" on "users" ("email")'], transactional: false },
        { name: 'AddBio', statements: ['alter table "users" add "bio" text'], transactional: true },
        { name: 'AddTitle', statements: ['alter table "posts" add "title" text'], transactional: true },
        { name: 'IndexName', statements: ['create index concurrently "users_name_index" on "users" ("name")'], transactional: false },
      ]),
    ).toEqual([expect.objectContaining({ migration: 'IndexName', heldBy: 'AddBio' })]);
    expect(
      await openTransactionWaits([
        { name: 'AddTitle', statements: ['alter table "posts" add "title" text'], transactional: true },
        { name: 'IndexEmail', statements: ['create index concurrently "users_email_index" on "users" ("email")'], transactional: false },
      ]),
    ).toEqual([]);
  });

  it('finds a statement on a table that the open transaction created, which the other connection cannot see yet', async () => {
    expect(
      await openTransactionWaits([
        { name: 'CreateUsers', statements: ['create table "users" ("id" serial primary key, "email" text)'], transactional: true },
        { name: 'IndexEmail', statements: ['create index concurrently "users_email_index" on "users" ("email")'], transactional: false },
      ]),
    ).toEqual([expect.objectContaining({ migration: 'IndexEmail', heldBy: 'CreateUsers', table: 'users', reason: 'created' })]);
  });
});
