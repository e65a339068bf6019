/** Which test files need the test server: those whose imports reach the harness module that hands out its URL.
 *  The vitest config runs the others in a project without the server's global setup, so a unit test file run alone
 *  starts no PostgreSQL. A file classified wrongly as needing none fails loudly ("No test server"), never silently. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_MODULE = fileURLToPath(new URL('admin-url.ts', import.meta.url));
const importPattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

/** The TypeScript file an import specifier names: relative paths (`./x.js` is `./x.ts`), and the workspace's own
 *  packages by their source entry. Other packages never reach the harness. */
function resolveImport(from: string, spec: string, packages: Record<string, string>): string | undefined {
  if (spec in packages) return packages[spec];
  if (!spec.startsWith('.')) return undefined;
  const base = join(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Splits `files` (relative to `root`) into those whose import graph reaches the server URL and the others.
 *  `packages` maps workspace package names to their TypeScript entry. */
export function splitByServerNeed(root: string, files: string[], packages: Record<string, string>): { server: string[]; none: string[] } {
  const reaches = new Map<string, boolean>();
  const visit = (file: string): boolean => {
    const known = reaches.get(file);
    if (known !== undefined) return known;
    reaches.set(file, false); // a cycle adds nothing
    let found = file === SERVER_MODULE;
    if (!found) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(importPattern)) {
        const target = resolveImport(file, (m[1] ?? m[2] ?? m[3])!, packages);
        if (target && visit(target)) {
          found = true;
          break;
        }
      }
    }
    reaches.set(file, found);
    return found;
  };
  const server: string[] = [];
  const none: string[] = [];
  for (const file of files) (visit(join(root, file)) ? server : none).push(file);
  return { server, none };
}
