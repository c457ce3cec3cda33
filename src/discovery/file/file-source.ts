// The file source: serves the services of a YAML registry file and reloads it
// when it changes. It watches the file's directory rather than the file, so
// an editor's write-and-rename and a Kubernetes ConfigMap's symlink swap are
// both seen. Events are debounced, and a reload whose bytes did not change
// does nothing. When the directory itself is removed and made again, the new
// one is followed (looked for on a bounded poll while there is none), and the
// outage is logged once when it starts and once when it ends. A file that fails to parse is reported and ignored: the last
// good state keeps being served, and so does a file that lost its "services"
// or a port's "backends" key (an empty or cut-short write): only an explicit
// empty list withdraws them.

import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import type { ServiceSpec } from '../../registry/snapshot.js';
import type { DiscoverySource } from '../source.js';
import { parseRegistryFileContent, RegistryFileError } from './registry-file.js';

/** The timers the source schedules on; tests pass a clock they advance by hand. */
export interface SourceTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: SourceTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface FileSourceOptions {
  readonly path: string;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Quiet time after the last change event before reloading. */
  readonly debounceMs?: number;
  /** While the file's directory is gone, how often to look for it again. */
  readonly directoryPollMs?: number;
  readonly timers?: SourceTimers;
}

export class FileSource implements DiscoverySource {
  readonly kind = 'file';
  private readonly path: string;
  private readonly directory: string;
  private readonly log: Logger;
  private readonly timers: SourceTimers;
  private watcher: FSWatcher | undefined;
  /** The watched directory's device and inode: another one at the same path needs a new watch. */
  private watchedDirectory: string | undefined;
  /** The watched directory itself was removed or moved: its watch sees nothing more. */
  private watcherStale = false;
  private debounceTimer: unknown;
  private pollTimer: unknown;
  /** Why the file cannot be read, from the first failed read until a read succeeds. */
  private outage: string | undefined;
  private lastText: string | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: FileSourceOptions) {
    this.path = resolve(options.path);
    this.directory = dirname(this.path);
    this.log = options.logger.child({ component: 'file-source', file: this.path });
    this.timers = options.timers ?? REAL_TIMERS;
  }

  /** Loads the file once (rejecting if it is invalid), then watches it. */
  async start(): Promise<void> {
    const text = await this.read();
    const { services: specs, routes, referenceGrants } = parseRegistryFileContent(this.path, text);
    this.lastText = text;
    this.options.registry.replaceAll(specs);
    this.options.registry.routes.replaceAll(routes, referenceGrants);
    this.options.registry.markSynced();
    this.log.info({ services: specs.length, routes: routes.length }, 'registry file loaded');
    this.noteExplicitEmpties(specs);
    await this.followDirectory();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeWatcher();
    if (this.debounceTimer !== undefined) this.timers.clearTimeout(this.debounceTimer);
    if (this.pollTimer !== undefined) this.timers.clearTimeout(this.pollTimer);
    this.debounceTimer = this.pollTimer = undefined;
    await this.reloading;
  }

  /** Re-reads the file now; what a debounced change event does. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadNow());
    return this.reloading;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.debounceTimer !== undefined) this.timers.clearTimeout(this.debounceTimer);
    this.debounceTimer = this.timers.setTimeout(() => {
      this.debounceTimer = undefined;
      void this.reload();
    }, this.options.debounceMs ?? 200);
  }

  /**
   * Makes sure the directory that is there now is the one watched. A watch
   * follows the directory, not its path: once the directory is removed (or
   * moved) and another is made in its place, the old watch never fires again.
   * While there is no directory, it is looked for again every
   * directoryPollMs. Returns whether the directory is there.
   */
  private async followDirectory(): Promise<boolean> {
    let identity: string;
    try {
      const stats = await stat(this.directory);
      if (!stats.isDirectory()) throw new Error('not a directory');
      identity = `${stats.dev}:${stats.ino}`;
    } catch {
      this.closeWatcher();
      this.beginOutage(`the registry file's directory ${this.directory} is gone`);
      this.pollForDirectory();
      return false;
    }
    if (this.watcher && !this.watcherStale && identity === this.watchedDirectory) return true;
    const replaced = this.watchedDirectory !== undefined;
    this.closeWatcher();
    const name = basename(this.directory);
    try {
      // Any event in the directory schedules a reload: names other than the
      // file's (a ConfigMap's ..data swap, an editor's temporary file) may also
      // replace it, and a reload of unchanged bytes costs one read.
      this.watcher = watch(this.directory, { persistent: true }, (_event, filename) => {
        // An event named after the directory itself: it was removed or moved.
        if (filename === name) this.watcherStale = true;
        this.schedule();
      });
    } catch {
      this.beginOutage(`the registry file's directory ${this.directory} is gone`);
      this.pollForDirectory();
      return false;
    }
    this.watcher.on('error', (error) => {
      this.log.debug({ err: error }, 'the watch of the registry file\'s directory failed; watching it again');
      this.watcherStale = true;
      this.schedule();
    });
    this.watchedDirectory = identity;
    this.watcherStale = false;
    if (replaced) this.log.debug({ directory: this.directory }, 'watching the registry file\'s directory again');
    return true;
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private pollForDirectory(): void {
    if (this.stopped || this.pollTimer !== undefined) return;
    this.pollTimer = this.timers.setTimeout(() => {
      this.pollTimer = undefined;
      void this.reload();
    }, this.options.directoryPollMs ?? 1_000);
  }

  /** An outage is logged once when it starts, whatever happens during it. */
  private beginOutage(reason: string): void {
    if (this.outage === undefined) {
      this.log.error({ reason }, `${reason}; still serving its last good content, and following it until it is back`);
    } else if (this.outage !== reason) {
      this.log.debug({ reason, was: this.outage }, 'the registry file is still unreadable, now for another reason');
    }
    this.outage = reason;
  }

  /** ...and once when it ends. */
  private endOutage(): void {
    if (this.outage === undefined) return;
    this.log.info({ was: this.outage }, 'the registry file is readable again');
    this.outage = undefined;
  }

  private async reloadNow(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!(await this.followDirectory())) return;
      let text: string;
      try {
        text = await this.read();
      } catch (error) {
        this.beginOutage(error instanceof RegistryFileError ? error.problems.join('; ') : String(error));
        return;
      }
      this.endOutage();
      if (text === this.lastText) return;
      const { services: specs, routes, referenceGrants } = parseRegistryFileContent(this.path, text);
      this.lastText = text;
      const changed = this.options.registry.replaceAll(specs);
      const routesChanged = this.options.registry.routes.replaceAll(routes, referenceGrants);
      this.log.info({ services: specs.length, changed: changed.length, routes: routes.length, routesChanged }, 'registry file reloaded');
      this.noteExplicitEmpties(specs);
    } catch (error) {
      // Invariant 9 (docs/design.md): a bad edit is logged, never fatal, and loses nothing.
      // A warning: the file is refused, and nothing served has changed.
      if (error instanceof RegistryFileError) {
        this.log.warn({ problems: error.problems }, `${error.message}\nstill serving the last good content`);
      } else {
        this.log.error({ err: error }, 'reloading the registry file failed; still serving its last good content');
      }
    }
  }

  /**
   * Says so when the file serves nothing on purpose: a missing "services" or
   * "backends" key is refused, so an empty list here was written explicitly.
   */
  private noteExplicitEmpties(specs: readonly ServiceSpec[]): void {
    if (specs.length === 0) {
      this.log.info('the registry file says "services: []": no service is served');
      return;
    }
    const ports = specs.flatMap((spec) => spec.ports.filter((port) => port.backends.length === 0).map((port) => `${spec.name}.${spec.namespace}:${port.name || port.port}`));
    if (ports.length > 0) this.log.info({ ports }, 'the registry file says "backends: []" for these ports: they are served with no backends');
  }

  private async read(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(error);
      throw new RegistryFileError(this.path, [`cannot read ${this.path}: ${reason}`]);
    }
  }
}
