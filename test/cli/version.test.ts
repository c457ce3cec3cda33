// `lookaside --version` prints the package's version from package.json, and
// finds it beside the code whatever the working directory is.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli-in-process.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const version = async () => (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

it('prints package.json\'s version and exits 0, for --version and -V', async () => {
  for (const flag of ['--version', '-V']) {
    expect(await runCliInProcess([flag])).toEqual({ code: 0, stdout: `${await version()}\n`, stderr: '' });
  }
});

it('finds the version from any working directory (a real process started in an empty directory)', async () => {
  const elsewhere = await mkdtemp(join(tmpdir(), 'lookaside-version-'));
  try {
    // tsx by its absolute location: nothing is resolved from the empty directory.
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, '--version'], { cwd: elsewhere, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${await version()}\n`, stderr: '' });
  } finally {
    await rm(elsewhere, { recursive: true, force: true });
  }
});
