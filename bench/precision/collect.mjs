// Runs `pgsafe check` (and optionally squawk) over each project's migration folders and returns the findings with
// project-relative paths.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const pgsafeBin = join(root, 'packages/cli/dist/bin.js');
const ORM_SUFFIX = ' (SQL of up())';

/** Where a project's files are read from: a copy without the files of other databases (`exclude`) and with the
 *  runner's template substitutions applied, or the project itself. The copy keeps the folder layout, so paths
 *  relative to it are the repository's paths. */
function sourceDir(project, dir) {
  if (!project.substitute && !project.exclude) return { dir, cleanup() {} };
  const copy = mkdtempSync(join(tmpdir(), `pgsafe-precision-${project.name}-`));
  const rules = (project.substitute ?? []).map(([pattern, replacement]) => [new RegExp(pattern, 'g'), replacement]);
  const exclude = project.exclude ? new RegExp(project.exclude) : undefined;
  for (const path of project.paths) {
    cpSync(join(dir, path), join(copy, path), { recursive: true, filter: (from) => !exclude?.test(from) });
    for (const file of walk(join(copy, path))) {
      const text = readFileSync(file, 'utf8');
      const out = rules.reduce((t, [re, r]) => t.replace(re, r), text);
      if (out.split('\n').length !== text.split('\n').length) throw new Error(`${project.name}: a substitution changed the line count of ${file}`);
      if (out !== text) writeFileSync(file, out);
    }
  }
  return { dir: copy, cleanup: () => rmSync(copy, { recursive: true, force: true }) };
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** The JSON report in stdout; an ORM project's own migration code may print lines before it. */
function parseReport(stdout, what) {
  const start = stdout.indexOf('{"version"');
  if (start < 0) throw new Error(`${what}: no JSON report in the output:\n${stdout.slice(0, 500)}`);
  return JSON.parse(stdout.slice(start));
}

/** Every finding of one project, with `path` relative to the project (the repository path). */
export function checkProject(project, dir) {
  if (!existsSync(pgsafeBin)) throw new Error(`${relative(process.cwd(), pgsafeBin)} is missing: build first (pnpm build)`);
  const src = sourceDir(project, dir);
  // The pgsafe config the project's users would write (e.g. which runner a flat folder of .sql files is for).
  const config = project.config ? join(mkdtempSync(join(tmpdir(), `pgsafe-precision-config-`)), 'pgsafe.config.json') : undefined;
  if (config) writeFileSync(config, JSON.stringify(project.config));
  try {
    const findings = [];
    const errors = [];
    let files = 0;
    for (const path of project.paths) {
      const target = join(src.dir, path);
      if (!existsSync(target)) throw new Error(`${project.name}: ${target} does not exist (extract ${project.repo} @ ${project.commit} there)`);
      // An ORM project's migrations import the ORM: resolve it (and the adapter) from the adapter's package.
      const adapter = project.orm ? join(root, 'packages', project.orm) : root;
      const args = [pgsafeBin, 'check', target, '--format', 'json', '--no-color', ...(project.orm ? ['--orm', project.orm] : []), ...(config ? ['--config', config] : []), ...(project.args ?? [])];
      const env = project.orm ? { ...process.env, NODE_PATH: join(adapter, 'node_modules') } : process.env;
      const r = spawnSync(process.execPath, args, { cwd: adapter, env, encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.error) throw r.error;
      if (![0, 1, 2].includes(r.status)) throw new Error(`${project.name}: pgsafe check exited with ${r.status}\n${r.stderr.slice(-2000)}`);
      const report = parseReport(r.stdout, `${project.name} ${path}`);
      const rel = (file) => relative(src.dir, file.endsWith(ORM_SUFFIX) ? file.slice(0, -ORM_SUFFIX.length) : file);
      files += report.files.length;
      errors.push(...report.errors.map((e) => ({ ...e, file: rel(e.file) })));
      for (const f of report.findings) findings.push({ ...f, project: project.name, path: rel(f.file), absFile: join(dir, rel(f.file)), orm: f.file.endsWith(ORM_SUFFIX) });
    }
    return { findings, errors, files };
  } finally {
    src.cleanup();
    if (config) rmSync(dirname(config), { recursive: true, force: true });
  }
}

/** squawk's findings on the same SQL files, as `path -> [{ rule, from, to }]` (1-based lines). ORM projects are
 *  skipped: squawk reads only SQL. */
export function squawkProject(project, dir) {
  if (project.orm) return undefined;
  const bin = join(root, 'bench/node_modules/.bin/squawk');
  const src = sourceDir(project, dir);
  try {
    const byPath = new Map();
    for (const path of project.paths) {
      const r = spawnSync(bin, [`${join(src.dir, path)}/**/*.sql`, '--reporter', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.error) throw r.error;
      for (const f of JSON.parse(r.stdout || '[]')) {
        const key = relative(src.dir, f.file);
        if (!byPath.has(key)) byPath.set(key, []);
        byPath.get(key).push({ rule: f.rule_name, from: f.line + 1, to: (f.line_end ?? f.line) + 1 });
      }
    }
    return byPath;
  } finally {
    src.cleanup();
  }
}
