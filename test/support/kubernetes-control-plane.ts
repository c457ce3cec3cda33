// A real control plane on the Kubernetes source, fed by the API harness over
// HTTP through the real @kubernetes/client-node, with a real grpc-js client.
// Timings (watch timeout, backoff, flush interval) are short so recovery tests
// finish in seconds; behaviour is what is asserted, never the timings.

import { writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ControlPlane } from '../../src/control-plane.js';
import { LoadBalancerStub, type ServersQuery } from 'grpc-lookaside-client';
import { createKubernetesSource, type KubernetesSourceOptions } from '../../src/discovery/kubernetes/kubernetes-source.js';
import { KubernetesApiHarness, type HarnessOptions } from './kubernetes-api-harness.js';
import { WatchRecorder } from './watch-recorder.js';
import { testLogger } from './test-logger.js';

export const FAST_TIMING = { watchTimeoutMs: 1_000, restartInitialMs: 20, restartMaxMs: 200, reconnectDelayScale: 0.01 } as const;

/** A KubeConfig pointing at the harness (plain HTTP needs skipTLSVerify). */
export function harnessKubeConfig(url: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'harness', server: url, skipTLSVerify: true }],
    users: [{ name: 'harness', token: 'harness-token' }],
    contexts: [{ name: 'harness', cluster: 'harness', user: 'harness' }],
    currentContext: 'harness',
  });
  return kubeConfig;
}

/**
 * A kubeconfig file pointing at the harness (or a proxy in front of it),
 * for a control plane run as a process with --kubeconfig or $KUBECONFIG.
 */
export function writeHarnessKubeconfig(path: string, url: string): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'harness', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'harness', user: { token: 'harness-token' } }],
    contexts: [{ name: 'harness', context: { cluster: 'harness', user: 'harness' } }],
    'current-context': 'harness',
  };
  // JSON is YAML; readable by every user, as a mounted kubeconfig would be.
  writeFileSync(path, JSON.stringify(config), { mode: 0o644 });
}

export interface KubernetesControlPlane {
  readonly harness: KubernetesApiHarness;
  readonly controlPlane: ControlPlane;
  readonly stub: LoadBalancerStub;
  watch(query: ServersQuery): WatchRecorder;
  /** Resolves when the registry has synced (health SERVING). */
  synced(): Promise<void>;
  close(): Promise<void>;
}

export interface KubernetesControlPlaneOptions {
  harness?: HarnessOptions;
  source?: Partial<Omit<KubernetesSourceOptions, 'registry' | 'logger' | 'kubeConfig'>>;
  /** Put objects into the harness before the control plane starts. */
  seed?: (harness: KubernetesApiHarness) => void;
  logger?: Logger;
}

export async function startKubernetesControlPlane(options: KubernetesControlPlaneOptions = {}): Promise<KubernetesControlPlane> {
  const harness = await KubernetesApiHarness.start({ bookmarkIntervalMs: 200, ...options.harness });
  options.seed?.(harness);
  const controlPlane = await ControlPlane.start({
    logger: options.logger ?? testLogger(),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry, logger) =>
      createKubernetesSource({
        registry,
        logger,
        kubeConfig: harnessKubeConfig(harness.url),
        minFlushIntervalMs: 20,
        ...options.source,
        timing: { ...FAST_TIMING, ...options.source?.timing },
      }),
  });
  const stub = new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`);
  const recorders: WatchRecorder[] = [];
  return {
    harness,
    controlPlane,
    stub,
    watch: (query) => {
      const recorder = new WatchRecorder(stub, query);
      recorders.push(recorder);
      return recorder;
    },
    synced: () => new Promise((resolve) => controlPlane.registry.onSynced(resolve)),
    close: async () => {
      for (const recorder of recorders) recorder.close();
      stub.close();
      await controlPlane.stop(1_000);
      await harness.close();
    },
  };
}
