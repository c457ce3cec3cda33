// Two copies of grpc-js in one application are the quiet way for this
// package to fail: the scheme is registered in one copy, the application's
// channels are made by the other, and that copy resolves
// "lookaside:///svc.ns:port" as a DNS name ("Name resolution failed for
// target dns:lookaside:///..."), for every call, with nothing logged.
//
// At registration this looks for the grpc-js the application itself
// resolves (from the working directory and from the main script's folder).
// Each copy found that is not the one registered in gets a warning in the
// log and a stand-in resolver for the scheme, so that its channels' calls
// fail with a message that names the cause and the fix instead of a DNS error.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Status, type GrpcModule } from './grpc-module.js';
import type { LookasideLogger } from '../lookaside-logger.js';

/** The grpc-js versions this package's resolver and policies work with: its peer range. */
export const SUPPORTED_GRPC_RANGE = '>=1.14.0 <1.15.0';

interface FoundCopy {
  readonly path: string;
  readonly version: string;
  readonly module: GrpcModule;
}

/** Folders the application's own modules resolve from. */
function applicationFolders(): string[] {
  const folders = [process.cwd()];
  const main = process.argv[1];
  if (main) folders.push(dirname(resolve(main)));
  return [...new Set(folders)];
}

function versionAt(entry: string): string {
  // The package.json sits at the package root, above build/src/index.js.
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@grpc/grpc-js') return pkg.version ?? 'unknown';
    } catch {
      // An unreadable package.json: keep looking upwards.
    }
  }
  return 'unknown';
}

/** The copies of grpc-js the application resolves, other than `registered`. */
export function findOtherGrpcCopies(registered: GrpcModule): FoundCopy[] {
  const found = new Map<string, FoundCopy>();
  for (const folder of applicationFolders()) {
    let path: string;
    let module: GrpcModule;
    try {
      const require = createRequire(join(folder, 'noop.js'));
      path = require.resolve('@grpc/grpc-js');
      if (found.has(path)) continue;
      module = require(path) as GrpcModule;
    } catch {
      continue; // The application resolves no grpc-js from here.
    }
    // The same file gives the same functions, through ESM and CommonJS alike.
    if (module.experimental?.registerResolver === registered.experimental.registerResolver) continue;
    found.set(path, { path, version: versionAt(path), module });
  }
  return [...found.values()];
}

/** What a channel of another copy is told on every resolution. */
export function secondCopyMessage(scheme: string, copy: { path: string; version: string }): string {
  return (
    `${scheme}: this channel was made by the @grpc/grpc-js at ${copy.path} (version ${copy.version}), but grpc-lookaside-client registered "${scheme}:" in another copy of grpc-js, ` +
    `so this channel cannot balance through it. Fix: install one @grpc/grpc-js in the range ${SUPPORTED_GRPC_RANGE} for the whole application (npm ls @grpc/grpc-js; npm dedupe), ` +
    `or pass the application's module: registerLookaside({ grpc: require('@grpc/grpc-js') })`
  );
}

/**
 * A resolver for another copy's channels that fails every resolution with
 * `details`. It speaks both listener shapes: the function of grpc-js 1.14
 * and the { onSuccessfulResolution, onError } object of earlier versions,
 * since the other copy may be any version.
 */
function failingResolverClass(copy: GrpcModule, details: string) {
  return class SecondGrpcCopyResolver {
    private timer: NodeJS.Immediate | undefined;

    // grpc-js passes (target, listener, options); only the listener is needed.
    constructor(
      _target: { path: string },
      private readonly listener: unknown,
    ) {}

    static getDefaultAuthority(target: { path: string }): string {
      return target.path;
    }

    updateResolution(): void {
      if (this.timer) return;
      this.timer = setImmediate(() => {
        this.timer = undefined;
        const error = { code: Status.UNAVAILABLE, details, metadata: new copy.Metadata() };
        const listener = this.listener as ((...args: unknown[]) => unknown) | { onError(error: unknown): void };
        if (typeof listener === 'function') {
          const statusOr = copy.experimental.statusOrFromError ? copy.experimental.statusOrFromError(error) : { ok: false, error };
          listener(statusOr, {}, null, details);
        } else {
          listener.onError(error);
        }
      });
    }

    destroy(): void {
      if (this.timer) clearImmediate(this.timer);
      this.timer = undefined;
    }
  };
}

/**
 * Warns about, and makes fail clearly, every copy of grpc-js the application
 * resolves other than `registered`, except copies where `servedIn` says a
 * live registration serves the scheme. Never throws: a check that cannot run
 * must not stop the registration.
 */
export function guardOtherGrpcCopies(registered: GrpcModule, scheme: string, logger: LookasideLogger, servedIn: (copy: GrpcModule) => boolean): void {
  let copies: FoundCopy[];
  try {
    copies = findOtherGrpcCopies(registered);
  } catch (error) {
    logger.debug('could not look for other copies of grpc-js', { err: error });
    return;
  }
  for (const copy of copies) {
    // A copy where the application registered the scheme itself is in use: leave it be.
    if (servedIn(copy.module)) continue;
    const details = secondCopyMessage(scheme, copy);
    logger.warn('a second copy of @grpc/grpc-js: channels it makes cannot use this registration', { scheme, otherCopy: copy.path, otherVersion: copy.version, fix: details });
    // Also as a process warning (printed on stderr unless the application
    // handles warnings), since the default logger is silent unless traced.
    process.emitWarning(details, { code: 'LOOKASIDE_SECOND_GRPC_JS' });
    try {
      copy.module.experimental.registerResolver(scheme, failingResolverClass(copy.module, details) as unknown as Parameters<GrpcModule['experimental']['registerResolver']>[1]);
    } catch (error) {
      logger.debug('could not register the stand-in resolver in the other copy', { err: error });
    }
  }
}
