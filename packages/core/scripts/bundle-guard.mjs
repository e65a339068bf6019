// Bundles `@pgsafe/core/guard` (dist/guard-entry.js, what the knex, TypeORM and MikroORM adapters import) and what it
// loads on the first migration statement (the guard, its rules, the planner, the config loader) into dist/guard-entry.js
// and a few `guard-chunk-*.js` files beside it. Node's ESM loader costs about 1 ms of CPU per module and the guard is
// ~115 of them: a deploy loaded them in ~90 ms of CPU, the bundle in ~25 (bench/README.md, "Guard overhead per
// adapter"). tsc stays the compiler: this reads its output, and the main entry (dist/index.js) keeps the modules.
//
// Modules whose identity matters are left out of the bundle and imported from dist/ as they are, so that the guard
// and the main entry share them: the parser's one WebAssembly instance (pg-parser.js) and the errors a deploy can
// throw, which users may test with `instanceof` against the main entry's exports.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
// Chunks of an earlier build (their names carry a hash of their content).
for (const file of readdirSync(dist)) if (file.startsWith('guard-bundle-')) rmSync(resolve(dist, file));

const SHARED = new Set(['pg-parser.js', 'parse.js', 'config-error.js', 'plan/types.js', 'guard/unsafe-migration-error.js', 'guard/preflight-error.js']);

await build({
  entryPoints: [resolve(dist, 'guard-entry.js')],
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  // The entry's dynamic imports (the guard, the config loader) stay chunks of their own, loaded when first needed.
  splitting: true,
  chunkNames: 'guard-bundle-[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies are resolved at run time, from the package's own node_modules, as before.
  packages: 'external',
  plugins: [
    {
      name: 'shared-modules',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const rel = relative(dist, resolve(args.resolveDir, args.path)).split('\\').join('/');
          // Every output file is in dist/ itself: the path from there is the path from each of them.
          return SHARED.has(rel) ? { path: `./${rel}`, external: true } : undefined;
        });
      },
    },
  ],
  logLevel: 'warning',
});
