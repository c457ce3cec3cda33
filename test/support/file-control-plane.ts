// Starts a real control plane on 127.0.0.1 (port 0) on the file source, with
// its registry file in a fresh temporary directory, and a real grpc-js client.

import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ControlPlane, type ControlPlaneOptions } from '../../src/control-plane.js';
import { FileSource } from '../../src/discovery/file/file-source.js';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { testLogger } from './test-logger.js';

export interface FileBackend {
  address: string;
  weight?: number;
  zone?: string;
  metadata?: Record<string, string>;
}
export interface FileService {
  name: string;
  namespace?: string;
  trafficDistribution?: 'PreferSameZone' | 'PreferClose' | 'PreferSameNode';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  ports: { name?: string; port: number; backends?: FileBackend[] }[];
}

export interface FileControlPlane {
  readonly controlPlane: ControlPlane;
  readonly source: FileSource;
  readonly address: string;
  readonly file: string;
  readonly stub: LoadBalancerStub;
  /** Replaces the registry file atomically and waits for the reload. */
  write(services: FileService[]): Promise<void>;
  /** Writes raw text (for invalid files) and waits for the reload attempt. */
  writeText(text: string): Promise<void>;
  close(): Promise<void>;
}

export function registryYaml(services: FileService[]): string {
  return stringify({ services });
}

/** `controlPlane`: more options for ControlPlane.start (metrics, the live page). */
export async function startFileControlPlane(services: FileService[], options: { debounceMs?: number; controlPlane?: Pick<ControlPlaneOptions, 'metrics' | 'livePage' | 'loadReports'> } = {}): Promise<FileControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), 'lookaside-test-'));
  const file = join(dir, 'registry.yaml');
  await writeFile(file, registryYaml(services));
  let source: FileSource | undefined;
  const controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    ...options.controlPlane,
    createSource: (registry, logger) => (source = new FileSource({ path: file, registry, logger, debounceMs: options.debounceMs ?? 20 })),
  });
  const address = `127.0.0.1:${controlPlane.port}`;
  const stub = new LoadBalancerStub(address);
  let counter = 0;
  const writeText = async (text: string) => {
    const temp = join(dir, `.registry.yaml.${counter++}`);
    await writeFile(temp, text);
    await rename(temp, file);
    // Reload explicitly rather than sleeping for the watcher: the debounced
    // watcher may fire too, which is harmless (unchanged bytes are skipped).
    await source!.reload();
  };
  return {
    controlPlane,
    source: source!,
    address,
    file,
    stub,
    write: (next) => writeText(registryYaml(next)),
    writeText,
    close: async () => {
      stub.close();
      await controlPlane.stop(1_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
