// The file source: serves the services of a YAML registry file and reloads it
// when it changes. It watches the file's directory rather than the file, so
// an editor's write-and-rename and a Kubernetes ConfigMap's symlink swap are
// both seen. Events are debounced, and a reload whose bytes did not change
// does nothing. A file that fails to parse is reported and ignored: the last
// good state keeps being served, and so does a file that lost its "services"
// or a port's "backends" key (an empty or cut-short write): only an explicit
// empty list withdraws them.

import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import type { ServiceSpec } from '../../registry/snapshot.js';
import type { DiscoverySource } from '../source.js';
import { parseRegistryFile, RegistryFileError } from './registry-file.js';

export interface FileSourceOptions {
  readonly path: string;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Quiet time after the last change event before reloading. */
  readonly debounceMs?: number;
}

export class FileSource implements DiscoverySource {
  readonly kind = 'file';
  private readonly path: string;
  private readonly log: Logger;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastText: string | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: FileSourceOptions) {
    this.path = resolve(options.path);
    this.log = options.logger.child({ component: 'file-source', file: this.path });
  }

  /** Loads the file once (rejecting if it is invalid), then watches it. */
  async start(): Promise<void> {
    const text = await this.read();
    const specs = parseRegistryFile(this.path, text);
    this.lastText = text;
    this.options.registry.replaceAll(specs);
    this.options.registry.markSynced();
    this.log.info({ services: specs.length }, 'registry file loaded');
    this.noteExplicitEmpties(specs);
    // Any event in the directory schedules a reload: names other than the
    // file's (a ConfigMap's ..data swap, an editor's temporary file) may also
    // replace it, and a reload of unchanged bytes costs one read.
    this.watcher = watch(dirname(this.path), { persistent: true }, () => this.schedule());
    this.watcher.on('error', (error) => this.log.error({ err: error }, 'watching the registry file failed; changes will not be seen'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearTimeout(this.timer);
    await this.reloading;
  }

  /** Re-reads the file now; what a debounced change event does. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadNow());
    return this.reloading;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, this.options.debounceMs ?? 200);
  }

  private async reloadNow(): Promise<void> {
    if (this.stopped) return;
    try {
      let text: string;
      try {
        text = await this.read();
      } catch (error) {
        this.log.error({ err: error }, 'cannot read the registry file; still serving its last good content');
        return;
      }
      if (text === this.lastText) return;
      const specs = parseRegistryFile(this.path, text);
      this.lastText = text;
      const changed = this.options.registry.replaceAll(specs);
      this.log.info({ services: specs.length, changed: changed.length }, 'registry file reloaded');
      this.noteExplicitEmpties(specs);
    } catch (error) {
      // Invariant 9: a bad edit is logged, never fatal, and loses nothing.
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
