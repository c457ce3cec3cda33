// `lookaside --version` prints the package's version from package.json, and
// finds it beside the code whatever the working directory is.

import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli-in-process.js';

const version = async () => (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

it('prints package.json\'s version and exits 0, for --version and -V', async () => {
  for (const flag of ['--version', '-V']) {
    expect(await runCliInProcess([flag])).toEqual({ code: 0, stdout: `${await version()}\n`, stderr: '' });
  }
});

// The built command, installed from its tarball and started in an empty
// directory, prints the same: test/packaging/packed-packages.test.ts.
