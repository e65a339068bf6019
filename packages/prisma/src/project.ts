/**
 * Where a Prisma project keeps its migrations and which database they go to, found the way Prisma 7 finds them:
 * `@prisma/config`'s own loader (`--config`, `prisma7.config.*`, `prisma.config.*`, paths relative to the config),
 * then the schema root for the default migrations folder. Prisma 6 projects, whose URL is `url = env("...")` in
 * schema.prisma, are read too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfigFromFile } from '@prisma/config';

export interface PrismaProject {
  /** The config file that was loaded, if any. */
  configFile?: string;
  /** schema.prisma (or the schema folder) when one was found. */
  schema?: string;
  migrationsDir: string;
  /** The datasource URL Migrate would use, undefined when none is configured. */
  url?: string;
  /** Where the URL came from, for messages. */
  urlSource?: string;
}

export class ProjectError extends Error {
  override name = 'ProjectError';
}

export interface ProjectOptions {
  cwd: string;
  /** `--config` */
  config?: string;
  /** `--schema` */
  schema?: string;
  /** `--url` (migrate dev) */
  url?: string;
}

export async function loadProject(options: ProjectOptions): Promise<PrismaProject> {
  const { cwd } = options;
  const loaded = await loadConfigFromFile({ configRoot: cwd, ...(options.config ? { configFile: options.config } : {}) });
  if (loaded.error) {
    const where = loaded.resolvedPath ?? cwd;
    const e = loaded.error;
    throw new ProjectError(e._tag === 'ConfigFileNotFound' ? `Prisma config file not found: ${where}` : `could not load the Prisma config ${where}: ${e.error.message}`);
  }
  const config = loaded.config;
  const configFile = loaded.resolvedPath ?? undefined;
  const schema = options.schema ? resolve(cwd, options.schema) : (config.schema ?? defaultSchema(cwd));
  const schemaRoot = schema ? (isDirectory(schema) ? schema : dirname(schema)) : join(cwd, 'prisma');
  const migrationsDir = config.migrations?.path ?? join(schemaRoot, 'migrations');
  const project: PrismaProject = { migrationsDir, ...(configFile ? { configFile } : {}), ...(schema ? { schema } : {}) };

  if (!configFile && !(schema && existsSync(schema)) && !existsSync(migrationsDir)) {
    throw new ProjectError(`no Prisma schema or migrations found in ${cwd}: run pgsafe prisma in the project's folder (where prisma.config.ts or prisma/schema.prisma is), or give --schema / --config`);
  }
  if (options.url) return { ...project, url: options.url, urlSource: '--url' };
  const url = config.datasource?.url;
  if (url) return { ...project, url, urlSource: configFile ?? 'the Prisma config' };
  const legacy = schema && existsSync(schema) ? prisma6Url(schema, cwd) : undefined;
  return legacy ? { ...project, ...legacy } : project;
}

/** Prisma's default schema locations, in its order. */
function defaultSchema(cwd: string): string | undefined {
  return [join(cwd, 'schema.prisma'), join(cwd, 'prisma', 'schema.prisma'), join(cwd, 'prisma', 'schema')].find((p) => existsSync(p));
}

function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/**
 * Prisma 6: `datasource db { url = env("DATABASE_URL") directUrl = env("DIRECT_URL") }`. Migrate used directUrl when
 * set, and Prisma 6 read `.env` next to the project and the schema, which process.env overrides.
 */
function prisma6Url(schema: string, cwd: string): { url: string; urlSource: string } | undefined {
  // A multi-file schema (prismaSchemaFolder): the datasource block is in one of the folder's .prisma files.
  const files = isDirectory(schema) ? prismaFiles(schema) : [schema];
  const found = files.map((file) => ({ file, block: /datasource\s+\w+\s*\{([^}]*)\}/.exec(withoutComments(readFileSync(file, 'utf8')))?.[1] })).find((f) => f.block);
  if (!found?.block) return undefined;
  const { file: schemaFile, block } = found;
  const value = (key: string): { env: string } | { literal: string } | undefined => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*(?:env\\(\\s*"([^"]+)"\\s*\\)|"([^"]*)")`, 'm').exec(block);
    if (!m) return undefined;
    return m[1] ? { env: m[1] } : { literal: m[2] ?? '' };
  };
  const setting = value('directUrl') ?? value('url');
  if (!setting) return undefined;
  if ('literal' in setting) return { url: setting.literal, urlSource: schemaFile };
  const env = { ...dotenv(join(cwd, '.env')), ...dotenv(join(dirname(schemaFile), '.env')), ...process.env };
  const url = env[setting.env];
  if (!url) throw new ProjectError(`${schemaFile} reads the database URL from the environment variable ${setting.env}, which is not set (Prisma 6 style; Prisma 7 moves it to prisma.config.ts: datasource: { url: env('${setting.env}') })`);
  return { url, urlSource: `${setting.env} (from ${schemaFile})` };
}

function prismaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.prisma'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The schema without its `//` comments; a `//` inside a string ("postgresql://...") is not one. */
export function withoutComments(source: string): string {
  return source.replace(/"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*/g, (m) => (m.startsWith('"') ? m : ''));
}

function dotenv(file: string): Record<string, string> {
  return existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}
