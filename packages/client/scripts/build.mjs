// Builds the package twice from one source: ES modules into dist/esm and
// CommonJS into dist/cjs (marked as such by its own package.json), each with
// its type declarations, so `import` and `require` both load code whose types
// match it under every TypeScript module resolution. No source maps: the
// sources are not shipped, and a map that points nowhere helps nobody.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}
mkdirSync(new URL('../dist/cjs', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
// For a tarball (prepack passes --pack): the repository's one LICENSE and
// CHANGELOG ship in this package too, as npm takes them only from the
// package folder. A build alone (the image's) needs neither.
if (process.argv.includes('--pack')) for (const file of ['LICENSE', 'CHANGELOG.md']) copyFileSync(new URL(`../../../${file}`, import.meta.url), new URL(`../${file}`, import.meta.url));
