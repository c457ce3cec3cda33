// The version `lookaside --version` prints: package.json's, read from beside
// the code (src/cli/ and dist/cli/ both sit two levels below the package
// root), so that it is the installed package's whatever the working
// directory is.

import { readFileSync } from 'node:fs';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${PACKAGE_JSON.pathname} has no "version"`);
  return version;
}
