// The client package ships to every consumer of the resolver: it imports
// nothing from the control plane's side (server, discovery, registry, CLI),
// depends on nothing but protobufjs at run time (grpc-js is the
// application's, a peer), never reaches into grpc-js's build/ internals, and
// takes grpc-js values only from the module a registration is given, with
// one default in default-grpc.ts.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('../../packages/client/', import.meta.url));
const SOURCE_DIR = join(PACKAGE_DIR, 'src');
const IMPORT = /(?:^|\n)\s*(import|export)(\s+type)?\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

it('imports only its own files, node:, protobufjs and (by type, but for one file) @grpc/grpc-js', () => {
  const problems: string[] = [];
  const files = sourceFiles(SOURCE_DIR);
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) {
    const where = relative(PACKAGE_DIR, file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const typeOnly = match[2] !== undefined;
      const specifier = match[3] ?? match[4]!;
      if (specifier.startsWith('.')) {
        const target = relative(SOURCE_DIR, resolve(dirname(file), specifier));
        if (target.startsWith('..')) problems.push(`${where} imports ${specifier} (outside packages/client/src)`);
      } else if (specifier.startsWith('@grpc/grpc-js/')) {
        problems.push(`${where} reaches into grpc-js internals: ${specifier}`);
      } else if (specifier === '@grpc/grpc-js') {
        if (!typeOnly && !where.endsWith('default-grpc.ts')) problems.push(`${where} imports grpc-js values directly; take them from the registration's module`);
      } else if (!specifier.startsWith('node:') && specifier !== 'protobufjs') {
        problems.push(`${where} imports the package ${specifier}`);
      }
    }
    if (/import\.meta/.test(text)) problems.push(`${where} uses import.meta, which the CommonJS build cannot`);
  }
  expect(problems).toEqual([]);
});

it('declares protobufjs as its only dependency and grpc-js as a peer', () => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  expect(Object.keys(pkg.dependencies ?? {})).toEqual(['protobufjs']);
  expect(Object.keys(pkg.peerDependencies ?? {})).toEqual(['@grpc/grpc-js']);
});
