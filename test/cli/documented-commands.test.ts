// Where the repository's docs and examples send a command's output into a
// file or a pipe, an `npm run` command must run silently (`npm run -s`):
// without -s npm prints its own banner ("> grpc-lookaside@0.1.0 lookaside")
// on stdout first, and `npm run lookaside -- xds-bootstrap` redirected into
// bootstrap.json writes a file that is not JSON. (`--output FILE` avoids the question.)

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', '.bench-build', 'build']);

function files(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(md|ts|ya?ml|sh)$/.test(entry.name) ? [path] : [];
  });
}

/** The command lines a file documents: fenced code and inline code in markdown, comments elsewhere. */
function commandLines(file: string, text: string): string[] {
  const lines = text.split('\n');
  if (file.endsWith('.md')) {
    let fenced = false;
    return lines.flatMap((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return [];
      }
      return fenced ? [line] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    });
  }
  return lines.filter((line) => /^\s*(\/\/|#|\*)/.test(line));
}

/** An `npm run` without -s whose output goes to a file or a pipe. */
const NOISY_REDIRECT = /\bnpm run (?!-s\b|--silent\b)\S+[^#]*?\s(?:>>?|\|)\s/;

it('every documented `npm run` whose output is redirected or piped runs with -s', () => {
  const offenders: string[] = [];
  for (const file of files(ROOT)) {
    for (const line of commandLines(file, readFileSync(file, 'utf8'))) {
      if (NOISY_REDIRECT.test(line)) offenders.push(`${relative(ROOT, file)}: ${line.trim()}`);
    }
  }
  expect(offenders).toEqual([]);
});

it('the check finds the forms it is there for', () => {
  expect(NOISY_REDIRECT.test('npm run lookaside -- xds-bootstrap > bootstrap.json')).toBe(true);
  expect(NOISY_REDIRECT.test('npm run lookaside -- doctor greeter.default:grpc --json | jq .checks')).toBe(true);
  expect(NOISY_REDIRECT.test('npm run -s lookaside -- xds-bootstrap > bootstrap.json')).toBe(false);
  expect(NOISY_REDIRECT.test('npm run lookaside -- xds-bootstrap --output bootstrap.json')).toBe(false);
  expect(NOISY_REDIRECT.test('npm run lookaside -- get greeter.default:grpc   # the backends | weights')).toBe(false);
});
