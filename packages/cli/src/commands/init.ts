import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../inputs.js';
import { repositoryRoot } from '../output/repo-path.js';
import { configFileName, configText } from '../init/config-text.js';
import { detectSetups, ORM_NAMES } from '../init/detect.js';
import { readProject, withScripts } from '../init/project.js';
import { checkCommand, ciSnippet, deployCommand, nextSteps, scriptNames } from '../init/steps.js';

const CONFIG_NAMES = ['pgsafe.config.ts', 'pgsafe.config.mts', 'pgsafe.config.json', 'pgsafe.config.mjs', 'pgsafe.config.js'];

interface InitOptions {
  force?: boolean;
}

/** `pgsafe init`: sets a project up for pgsafe: finds its ORMs and migrations, writes a commented config, adds the
 *  package scripts, and prints what is left to do and the CI workflow. Nothing is overwritten without --force. */
export function initCommand(): Command {
  return new Command('init')
    .description('Set up pgsafe in this project: find its ORM(s) and migrations folder, write a commented pgsafe.config.*, add the package scripts migrations:check and migrations:deploy (guarded), and print the CI workflow.')
    .argument('[dir]', 'the project (where its package.json is)', '.')
    .option('--force', 'overwrite an existing pgsafe.config.* and package scripts of the same names')
    .addHelpText('after', '\nExit codes: 0 set up, 2 no package.json, or a config or script that exists already (without --force).')
    .action((dir: string, options: InitOptions, cmd: Command) => {
      try {
        process.stdout.write(init(resolve(dir), options));
      } catch (error) {
        if (error instanceof UsageError) cmd.error(`error: ${error.message}`, { exitCode: 2 });
        throw error;
      }
    });
}

function init(dir: string, options: InitOptions): string {
  const project = readProject(dir);
  const setups = detectSetups(project);
  const existing = CONFIG_NAMES.filter((n) => existsSync(join(dir, n)));
  const scripts = { ...project.packageJson.data.scripts };
  const added: string[] = [];
  const kept: string[] = [];
  for (const setup of setups) {
    const names = scriptNames(setup, setups.length > 1);
    const wanted: [string, string | undefined][] = [
      [names.check, checkCommand(setup)],
      [names.deploy, deployCommand(setup, project)],
    ];
    for (const [name, command] of wanted) {
      if (command === undefined || scripts[name] === command) continue;
      if (scripts[name] !== undefined && !options.force) kept.push(`${name} (it runs: ${scripts[name]})`);
      else {
        scripts[name] = command;
        added.push(`"${name}": ${JSON.stringify(command)}`);
      }
    }
  }
  if ((existing.length || kept.length) && !options.force) {
    const what = [...existing.map((n) => `${n} exists`), ...kept.map((k) => `the script ${k} exists`)];
    throw new UsageError(`${what.join('; ')}: nothing written. pgsafe init --force overwrites them`);
  }

  const config = configFileName(project.format);
  // With --force, the new config replaces the old (a pgsafe.config.ts would otherwise shadow a .json).
  for (const old of existing) rmSync(join(dir, old));
  writeFileSync(join(dir, config), configText(project.format, setups));
  if (added.length) writeFileSync(join(dir, 'package.json'), withScripts(project.packageJson, scripts));

  const root = repositoryRoot(dir);
  const subdir = root ? relative(root, dir).split('\\').join('/') : '';
  const next = nextSteps(setups, project);
  const found = setups.map((s) => `${ORM_NAMES[s.orm]} migrations in ${s.migrations}${s.exists ? '' : ' (not found: the default)'}`);
  const lines = [
    `pgsafe init: ${found.join('; ')}`,
    `  wrote ${config}${existing.includes(config) ? ' (overwritten)' : ''}${existing.some((n) => n !== config) ? ` (replacing ${existing.filter((n) => n !== config).join(', ')})` : ''}`,
    ...(added.length ? ['  added to the scripts of package.json:', ...added.map((a) => `    ${a}`)] : ['  package.json has the scripts already']),
    '',
    ...(next.length ? ['Next:', ...next.map((s) => `  - ${s}`), ''] : []),
    `CI: .github/workflows/migrations.yml (the pull request's new and changed migrations, annotated; errors fail the job)`,
    '',
    ...ciSnippet(setups, project, subdir)
      .split('\n')
      .map((l) => `  ${l}`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
