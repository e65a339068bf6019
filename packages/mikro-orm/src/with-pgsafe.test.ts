/** withPgsafe on a real MikroORM 7 config (types and classes): what it replaces, and what it refuses. */
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { withPgsafe } from './with-pgsafe.js';

describe('withPgsafe', () => {
  it("replaces the config's Migrator with a subclass named Migrator, once", () => {
    const config = withPgsafe(defineConfig({ clientUrl: 'postgres://localhost/app', extensions: [Migrator] }));
    const [wrapped] = config.extensions!;
    expect(wrapped).not.toBe(Migrator);
    expect((wrapped as unknown as { name: string }).name).toBe('Migrator');
    expect(Object.getPrototypeOf(wrapped)).toBe(Migrator);
    expect(config.clientUrl).toBe('postgres://localhost/app');
    expect(withPgsafe(config).extensions).toEqual([wrapped]);
  });

  it('says how to add the Migrator when the config has none, and refuses other databases', () => {
    expect(() => withPgsafe(defineConfig({ clientUrl: 'postgres://localhost/app' }))).toThrow(
      "@pgsafe/mikro-orm extends MikroORM's Migrator: add it to the config's extensions (import { Migrator } from '@mikro-orm/migrations'; ... extensions: [Migrator])",
    );
    class SqliteDriver {}
    expect(() => withPgsafe({ driver: SqliteDriver, extensions: [Migrator] })).toThrow("the config's driver must be PostgreSqlDriver (got SqliteDriver)");
    expect(() => withPgsafe({ driver: PostgreSqlDriver, extensions: [Migrator] })).not.toThrow();
  });
});
