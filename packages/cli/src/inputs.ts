import { readFile, stat } from 'node:fs/promises';
import { glob, isDynamicPattern } from 'tinyglobby';

/** A migration to check: where it came from and its text. */
export interface Input {
  file: string;
  source: string;
}

export class UsageError extends Error {}

/** Expands files, directories (every *.sql below, sorted) and globs, in argument order, without duplicates. */
export async function expandPaths(args: string[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const arg of args) {
    if (isDynamicPattern(arg)) {
      const matches = (await glob(arg, { onlyFiles: true, expandDirectories: false })).sort();
      if (matches.length === 0) throw new UsageError(`no file matches ${arg}`);
      matches.forEach(add);
      continue;
    }
    const info = await stat(arg).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or directory: ${arg}`);
    if (info.isDirectory()) {
      const dir = arg.replace(/\/+$/, '');
      const matches = (await glob('**/*.sql', { cwd: dir, onlyFiles: true })).sort().map((f) => `${dir}/${f}`);
      if (matches.length === 0) throw new UsageError(`no .sql file in directory ${arg}`);
      matches.forEach(add);
    } else add(arg);
  }
  return files;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads files with bounded concurrency; an unreadable file is reported, not fatal for the others. */
export async function readInputs(files: string[], concurrency = 64): Promise<{ inputs: Input[]; failures: { file: string; message: string }[] }> {
  const inputs: (Input | undefined)[] = new Array(files.length);
  const failures: { file: string; message: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      try {
        inputs[i] = { file, source: await readFile(file, 'utf8') };
      } catch (error) {
        failures.push({ file, message: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return { inputs: inputs.filter((x): x is Input => !!x), failures };
}
