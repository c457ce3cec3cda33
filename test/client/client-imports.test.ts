// The client package ships to every consumer of the resolver: it imports
// nothing from the control plane's side (server, discovery, registry, CLI)
// and depends on nothing but grpc-js, protobufjs (which grpc-js's own
// proto-loader is built on) and Node itself.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const CLIENT_DIR = fileURLToPath(new URL('../../src/client/', import.meta.url));
const SRC_DIR = resolve(CLIENT_DIR, '..');
const ALLOWED_PACKAGES = ['@grpc/grpc-js', 'protobufjs'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

it('imports nothing from src/server, src/discovery, src/registry or src/cli, and no other package', () => {
  const problems: string[] = [];
  const files = sourceFiles(CLIENT_DIR);
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      const where = relative(SRC_DIR, file);
      if (specifier.startsWith('.')) {
        const target = relative(SRC_DIR, resolve(dirname(file), specifier));
        if (!target.startsWith('client/')) problems.push(`${where} imports ${specifier} (outside src/client)`);
      } else if (!specifier.startsWith('node:') && !ALLOWED_PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`))) {
        problems.push(`${where} imports the package ${specifier}`);
      }
    }
  }
  expect(problems).toEqual([]);
});
