/** The module format of a project's migrations, so that the ORM migrations `pgsafe fix` writes load where the
 *  project's own do: CommonJS `.js` fails in a `"type": "module"` package, `export class` fails under `require`. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { ModuleFormat } from './render-orm.js';

const SCRIPT = /\.(?:[cm]?js|[cm]?ts)$/;

/** The format of the newest migration (by name) in `dir`: its extension, and for `.js` its syntax;
 *  with none there, `.js` in the nearest package.json's module type (CommonJS without one, as Node does). */
export function migrationModuleFormat(dir: string): ModuleFormat {
  const newest = readdirSync(dir)
    .filter((f) => SCRIPT.test(f) && !/\.d\.[cm]?ts$/.test(f))
    .sort()
    .at(-1);
  const ext = newest ? extname(newest) : '.js';
  if (/ts$/.test(ext)) return { esm: true, typescript: true, ext };
  if (ext === '.mjs' || ext === '.cjs') return { esm: ext === '.mjs', typescript: false, ext };
  const syntax = newest ? jsSyntax(readFileSync(join(dir, newest), 'utf8')) : undefined;
  return { esm: syntax ? syntax === 'esm' : packageType(dir) === 'module', typescript: false, ext };
}

function jsSyntax(code: string): 'esm' | 'cjs' | undefined {
  if (/^\s*(?:export|import)\s/m.test(code)) return 'esm';
  if (/\b(?:module\.exports|exports\.\w+)\s*=|\brequire\(/.test(code)) return 'cjs';
  return undefined;
}

function packageType(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { type?: string }).type;
      } catch {
        return undefined; // Node fails on it too; the ORM's error will say so
      }
    }
    if (dirname(d) === d) return undefined;
  }
}
