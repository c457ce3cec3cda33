// Where a peer program from Debian's packages is: on PATH, or in the sbin
// directories a non-root PATH lacks (nginx and dnsmasq install there).

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable `name` on PATH or in /usr/sbin, /sbin, /usr/local/sbin; undefined if none. */
export function findExecutable(name: string): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const directory of new Set(directories)) {
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
