import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UsageError } from './inputs.js';

/** Absolute paths of files added or modified since `ref` (committed or not), plus new untracked files. */
export function changedSince(ref: string, cwd: string): Set<string> {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new UsageError(`--since ${ref}: git ${args[0]} failed${stderr ? `: ${stderr}` : ''}`);
    }
  };
  const root = git(['rev-parse', '--show-toplevel']).trim();
  const changed = git(['diff', '--name-only', '--diff-filter=AMR', ref, '--']).split('\n');
  const untracked = git(['ls-files', '--others', '--exclude-standard', '--full-name']).split('\n');
  return new Set([...changed, ...untracked].filter(Boolean).map((f) => resolve(root, f)));
}
