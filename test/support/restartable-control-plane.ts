// A control plane on the file source that a test can stop and start again on
// the same port and the same registry file, to play a control plane that
// crashes and comes back (or that is not there yet when a client starts).

import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlane } from '../../src/control-plane.js';
import { FileSource } from '../../src/discovery/file/file-source.js';
import { registryYaml, type FileService } from './file-control-plane.js';
import { freePort } from './free-port.js';
import { testLogger } from './test-logger.js';

export interface RestartableControlPlane {
  readonly port: number;
  /** "127.0.0.1:port", valid whether or not it is running. */
  readonly address: string;
  readonly running: ControlPlane | undefined;
  /** Rewrites the registry file; a running control plane reloads it. */
  write(services: FileService[]): Promise<void>;
  start(): Promise<ControlPlane>;
  stop(graceMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Prepares a control plane on `port` (default: a free one) without starting it. */
export async function restartableControlPlane(services: FileService[], port?: number): Promise<RestartableControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), 'lookaside-restart-'));
  const file = join(dir, 'registry.yaml');
  await writeFile(file, registryYaml(services));
  const chosenPort = port ?? (await freePort());
  let running: ControlPlane | undefined;
  let source: FileSource | undefined;
  let counter = 0;
  const handle: RestartableControlPlane = {
    port: chosenPort,
    address: `127.0.0.1:${chosenPort}`,
    get running() {
      return running;
    },
    async write(next) {
      const temp = join(dir, `.registry.yaml.${counter++}`);
      await writeFile(temp, registryYaml(next));
      await rename(temp, file);
      if (running) await source?.reload();
    },
    async start() {
      if (running) return running;
      running = await ControlPlane.start({
        logger: testLogger(),
        host: '127.0.0.1',
        port: chosenPort,
        createSource: (registry, logger) => (source = new FileSource({ path: file, registry, logger, debounceMs: 20 })),
      });
      return running;
    },
    async stop(graceMs = 500) {
      const stopping = running;
      running = undefined;
      await stopping?.stop(graceMs);
    },
    async close() {
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
