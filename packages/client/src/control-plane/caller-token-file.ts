// The caller's token for a control plane that authorizes its callers
// (`lookaside serve --caller-auth kubernetes`): a projected ServiceAccount
// token that the kubelet writes into a file and rewrites before it expires.
// The file is read afresh each time a call to the control plane starts (a
// WatchServers stream opens or re-opens), so a rotated token is used from
// the next (re)connect on; a stream already open was authorized when it
// opened and needs no token after that.

import { readFileSync } from 'node:fs';

/** The environment variable that names the token file when the options do not. */
export const TOKEN_FILE_ENV = 'LOOKASIDE_TOKEN_FILE';

/** A token file that cannot be used; the message names the file and why. */
export class CallerTokenError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`the caller token file ${file} ${reason}`);
    this.name = 'CallerTokenError';
  }
}

/** Printable ASCII without spaces: what an HTTP/2 header value carrying "Bearer <token>" may hold. */
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/** Reads a token file: its content without surrounding white space. Throws a CallerTokenError naming the file. */
export function readCallerTokenFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${String(error)})`;
    throw new CallerTokenError(file, `${reason}; mount a projected ServiceAccount token there (audience "lookaside"), or set ${TOKEN_FILE_ENV} / the callerToken option to where it is`);
  }
  const token = text.trim();
  if (token === '') throw new CallerTokenError(file, 'is empty');
  if (!TOKEN_PATTERN.test(token)) throw new CallerTokenError(file, 'does not hold a bearer token (one line of printable characters without spaces)');
  return token;
}
