/** Finding the Prisma project the way Prisma 7 does (its own @prisma/config loader), and Prisma 6 projects. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, ProjectError } from './project.js';
import { pgTarget } from './url.js';

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pgsafe-prisma-project-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

const config = (url: string, extra = '') => `export default { ${extra} datasource: { url: '${url}' } };\n`;

describe('loadProject', () => {
  it('prefers prisma7.config.ts over prisma.config.ts, as Prisma 7.10 does', async () => {
    const root = dir({ 'prisma7.config.ts': config('postgres://h/seven'), 'prisma.config.ts': config('postgres://h/plain'), 'prisma/schema.prisma': '' });
    const p = await loadProject({ cwd: root });
    expect(p).toMatchObject({ configFile: join(root, 'prisma7.config.ts'), url: 'postgres://h/seven', migrationsDir: join(root, 'prisma', 'migrations') });
  });

  it('takes --config, and resolves schema and migrations paths against the config file', async () => {
    const root = dir({ 'config/db.config.ts': config('postgres://h/db', "schema: '../db/schema.prisma', migrations: { path: '../db/sql' },"), 'db/schema.prisma': '' });
    const p = await loadProject({ cwd: root, config: 'config/db.config.ts' });
    expect(p).toMatchObject({ schema: join(root, 'db', 'schema.prisma'), migrationsDir: join(root, 'db', 'sql'), url: 'postgres://h/db' });
    await expect(loadProject({ cwd: root, config: 'missing.config.ts' })).rejects.toThrow(ProjectError);
  });

  it('puts the migrations next to the schema found in its default place, and --url wins', async () => {
    const root = dir({ 'prisma.config.ts': config('postgres://h/a'), 'schema.prisma': '' });
    expect(await loadProject({ cwd: root, url: 'postgres://h/b' })).toMatchObject({ migrationsDir: join(root, 'migrations'), url: 'postgres://h/b', urlSource: '--url' });
  });

  it('reads a Prisma 6 schema: directUrl before url, process.env over .env', async () => {
    const schema = 'datasource db {\n  provider  = "postgresql"\n  url       = env("P6_URL")\n  directUrl = env("P6_DIRECT")\n}\n';
    const root = dir({ 'prisma/schema.prisma': schema, '.env': 'P6_URL=postgres://h/pooled\nP6_DIRECT=postgres://h/direct\n' });
    expect(await loadProject({ cwd: root })).toMatchObject({ url: 'postgres://h/direct', urlSource: `P6_DIRECT (from ${join(root, 'prisma', 'schema.prisma')})` });

    const bare = dir({ 'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("P6_UNSET_URL")\n}\n' });
    await expect(loadProject({ cwd: bare })).rejects.toThrow(/P6_UNSET_URL, which is not set/);
  });

  it('reads a literal URL (its // is not a comment) and a multi-file schema folder', async () => {
    const literal = dir({ 'prisma/schema.prisma': 'datasource db { // the database\n  provider = "postgresql"\n  url = "postgresql://app@db:5432/shop" // literal\n}\n' });
    expect(await loadProject({ cwd: literal })).toMatchObject({ url: 'postgresql://app@db:5432/shop' });

    process.env.P6_FOLDER_URL = 'postgres://h/folder';
    try {
      const folder = dir({
        'prisma/schema/models.prisma': 'model User {\n  id Int @id\n}\n',
        'prisma/schema/db.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("P6_FOLDER_URL")\n}\n',
      });
      expect(await loadProject({ cwd: folder })).toMatchObject({ url: 'postgres://h/folder', schema: join(folder, 'prisma', 'schema') });
    } finally {
      delete process.env.P6_FOLDER_URL;
    }
  });

  it('says that no schema or migrations were found outside a Prisma project', async () => {
    await expect(loadProject({ cwd: dir({ 'README.md': 'not a project\n' }) })).rejects.toThrow(/no Prisma schema or migrations found in/);
  });

  it('leaves the URL unset when neither the config nor the schema has one', async () => {
    const root = dir({ 'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\n' });
    expect((await loadProject({ cwd: root })).url).toBeUndefined();
  });
});

describe('pgTarget', () => {
  it("turns Prisma's ?schema= into the session search_path and drops Prisma-only parameters", () => {
    const t = pgTarget('postgresql://app:pw@db:5432/shop?schema=Sales&connection_limit=5&sslmode=require');
    expect(t.schema).toBe('Sales');
    const url = new URL(t.url);
    expect(url.searchParams.get('options')).toBe('-c search_path="Sales"');
    expect(url.searchParams.get('sslmode')).toBe('require');
    expect(url.searchParams.has('connection_limit')).toBe(false);
    expect(() => pgTarget('mysql://h/db')).toThrow(/PostgreSQL/);
  });
});
