/** Type-checks TypeScript files with the repository's own `tsc` (TypeScript 7 has no compiler API, its CLI works):
 *  strict, noEmit, as ES modules, in a directory under `home` so that the imports (an ORM's types) resolve from that
 *  package's node_modules. The directory is removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, type ProcessResult } from './process.js';

const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

export async function typecheck(home: string, files: Record<string, string>): Promise<ProcessResult> {
  const dir = mkdtempSync(join(home, '.pgsafe-typecheck-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', noImplicitOverride: true, noUnusedLocals: true, noUnusedParameters: true, skipLibCheck: true, types: [] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return await runNode([TSC, '-p', dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
