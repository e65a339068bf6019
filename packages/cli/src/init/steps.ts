/** The package scripts, next steps and CI snippet `pgsafe init` gives each migration setup. */
import type { MigrationSetup } from './detect.js';
import { dependencies, installCommand, type Project } from './project.js';

/** `pgsafe check` of the setup's migrations (through the ORM's collector for JavaScript/TypeScript migrations). */
export function checkCommand(setup: MigrationSetup): string {
  const orm = setup.orm === 'prisma' || setup.orm === 'sql' ? '' : `--orm ${setup.orm} `;
  return `pgsafe check ${orm}${setup.migrations}`;
}

/** The ORM's own deploy command, guarded by its pgsafe adapter; none for plain SQL (pgsafe run takes one file). */
export function deployCommand(setup: MigrationSetup, project: Project): string | undefined {
  switch (setup.orm) {
    case 'prisma':
      return 'pgsafe prisma migrate deploy';
    case 'knex':
      return 'knex migrate:latest';
    case 'mikro-orm':
      return 'mikro-orm migration:up';
    case 'typeorm': {
      if (!setup.dataSource) return undefined;
      const cli = /\.[cm]?ts$/.test(setup.dataSource) ? (project.packageJson.data.type === 'module' ? 'typeorm-ts-node-esm' : 'typeorm-ts-node-commonjs') : 'typeorm';
      return `${cli} migration:run -d ${setup.dataSource}`;
    }
    case 'sql':
      return undefined;
  }
}

/** Script names: `migrations:check` and `migrations:deploy`, suffixed with the ORM when the project has several. */
export function scriptNames(setup: MigrationSetup, several: boolean): { check: string; deploy: string } {
  const suffix = several ? `:${setup.orm}` : '';
  return { check: `migrations:check${suffix}`, deploy: `migrations:deploy${suffix}` };
}

/** What is left to do by hand: install the packages, and wrap the ORM's config where the adapter needs it. */
export function nextSteps(setups: MigrationSetup[], project: Project): string[] {
  const deps = dependencies(project.packageJson);
  const missing = ['pgsafe', ...setups.filter((s) => s.orm !== 'sql').map((s) => `@pgsafe/${s.orm}`)].filter((p) => !deps.has(p));
  const steps = missing.length ? [installCommand(project.packageManager, missing)] : [];
  for (const s of setups) {
    if (s.orm === 'knex') steps.push("in the knexfile: export default withPgsafe({ client: 'pg', ... }) (import { withPgsafe } from '@pgsafe/knex'); knex migrate:latest then runs guarded");
    if (s.orm === 'typeorm') steps.push(`in the data source${s.dataSource ? ` (${s.dataSource})` : ''}: export default withPgsafe(new DataSource({ ... })) (import { withPgsafe } from '@pgsafe/typeorm')`);
    if (s.orm === 'mikro-orm') steps.push("in mikro-orm.config: export default withPgsafe(defineConfig({ ..., extensions: [Migrator] })) (import { withPgsafe } from '@pgsafe/mikro-orm')");
    if (s.orm === 'sql') steps.push(`run each migration with pgsafe run <file> --database-url "$DATABASE_URL" (timeouts, retries, CONCURRENTLY steps on their own)`);
    if (!s.exists) steps.push(`${s.migrations} does not exist yet: create it, or change the scripts to your migrations folder`);
  }
  return steps;
}

/** A GitHub workflow running the action on the project's migrations; `subdir` is the project's folder in its
 *  repository ('' at the root). */
export function ciSnippet(setups: MigrationSetup[], project: Project, subdir: string): string {
  const install = project.packageManager === 'pnpm' ? 'npm install -g pnpm && pnpm install --frozen-lockfile' : project.packageManager === 'yarn' ? 'yarn install --frozen-lockfile' : 'npm ci';
  const lines = [
    'name: migrations',
    'on: pull_request',
    'jobs:',
    '  pgsafe:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with: { fetch-depth: 0 }',
    '      - uses: actions/setup-node@v4',
    '        with: { node-version: 20 }',
    `      - run: ${install}`,
  ];
  for (const s of setups) {
    lines.push('      - uses: pgsafe/pgsafe@main', '        with:', `          paths: ${s.migrations}`);
    if (s.orm !== 'prisma' && s.orm !== 'sql') lines.push(`          orm: ${s.orm}`);
    if (subdir) lines.push(`          working-directory: ${subdir}`);
  }
  return lines.join('\n');
}

