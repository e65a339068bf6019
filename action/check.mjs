// The GitHub Action's script (action.yml): checks the migrations a pull request adds or changes with
// `pgsafe check --since <merge base>`, prints the findings as workflow annotations, appends a markdown summary to the
// job summary, and optionally writes SARIF. Plain Node (no dependencies), so the action needs no build step.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const input = (name) => (process.env[`INPUT_${name}`] ?? '').trim();
const words = (text) => text.split(/\s+/).filter(Boolean);

/** The project's own pgsafe (node_modules/.bin upward from here), else npx pgsafe at the action's version. */
function pgsafeCommand() {
  if (input('PGSAFE')) return words(input('PGSAFE'));
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin', 'pgsafe');
    if (existsSync(bin)) return [bin];
    if (dirname(dir) === dir) break;
  }
  const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../packages/cli/package.json', import.meta.url)), 'utf8'));
  return ['npx', '--yes', `pgsafe@${version}`];
}

/** Where the branch left `base`: comparing with it checks only what the pull request changed, not what the base
 *  branch changed since. A checkout without the base's history cannot tell: that is an error worth a clear word. */
function mergeBase(base) {
  const git = spawnSync('git', ['merge-base', base, 'HEAD'], { encoding: 'utf8' });
  if (git.status === 0) return git.stdout.trim();
  fail(`cannot find where HEAD left ${base}: ${git.stderr.trim() || 'git merge-base failed'}. Check out with the history (actions/checkout with fetch-depth: 0).`);
}

function fail(message) {
  process.stdout.write(`::error title=pgsafe::${message}\n`);
  process.exit(2);
}

function run(command, args, options = {}) {
  return spawnSync(command[0], [...command.slice(1), ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
}

const paths = words(input('PATHS'));
if (paths.length === 0) fail('the paths input is empty: give the migrations to check (files, directories or globs)');
const base = input('BASE');
const since = base ? ['--since', mergeBase(base)] : [];
const args = [...paths, ...since, ...(input('ORM') ? ['--orm', input('ORM')] : []), ...words(input('ARGS'))];
const pgsafe = pgsafeCommand();

// Annotations: the workflow commands go straight to the log, where the runner turns them into annotations.
const annotations = run(pgsafe, ['check', ...args, '--format', 'github'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (annotations.error) fail(`cannot run ${pgsafe.join(' ')}: ${annotations.error.message}`);

const summaryFile = process.env.GITHUB_STEP_SUMMARY;
if (summaryFile) {
  const summary = run(pgsafe, ['check', ...args, '--format', 'markdown', '--no-color']);
  const ref = /^[0-9a-f]{40}$/.test(base) ? base.slice(0, 12) : base;
  const scope = base ? `\n\nMigrations added or changed since \`${ref}\` in \`${paths.join(' ')}\`.\n` : `\n\nEvery migration in \`${paths.join(' ')}\`.\n`;
  appendFileSync(summaryFile, `${summary.stdout.trimEnd()}${scope}\n`);
}

const sarifFile = input('SARIF_FILE');
if (sarifFile) {
  const sarif = run(pgsafe, ['check', ...args, '--format', 'sarif']);
  writeFileSync(resolve(sarifFile), sarif.stdout);
}

// pgsafe's own exit code: 1 for error-level findings (or more warnings than --max-warnings), 2 for files it could
// not check or a usage error.
process.exit(annotations.status ?? 2);
