// The Kubernetes source against a real API server: K3s in a container.
// A selector-less Service with hand-written EndpointSlices (real API
// validation, real resourceVersions, real watch behaviour), and one real
// Deployment whose pods the EndpointSlice controller publishes. What is
// asserted is what a WatchServers client sees.
//
// It needs a container runtime (Docker or Podman) that can run privileged
// containers and pull images. Where there is none, the suite is skipped and
// the reason printed.

import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { K3sContainer, type StartedK3sContainer } from '@testcontainers/k3s';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from '../../src/control-plane.js';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { createKubernetesSource } from '../../src/discovery/kubernetes/kubernetes-source.js';
import { WatchRecorder } from '../support/watch-recorder.js';
import { testLogger } from '../support/test-logger.js';

const K3S_IMAGE = 'rancher/k3s:v1.31.4-k3s1';
/** K3s pulls this image for every pod sandbox anyway, so a Deployment of it needs no other image. */
const PAUSE_IMAGE = 'rancher/mirrored-pause:3.6';
const NS = 'lookaside-e2e';

const skipReason = await getContainerRuntimeClient().then(
  () => undefined,
  (error: unknown) => `no container runtime: ${error instanceof Error ? error.message : String(error)}`,
);
if (skipReason) console.warn(`skipping the K3s e2e suite: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('Kubernetes source on K3s', () => {
  let k3s: StartedK3sContainer;
  let kubeConfig: KubeConfig;
  let controlPlane: ControlPlane;
  let stub: LoadBalancerStub;
  let discovery: DiscoveryV1Api;
  const recorders: WatchRecorder[] = [];

  beforeAll(async () => {
    k3s = await new K3sContainer(K3S_IMAGE).start();
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(k3s.getKubeConfig());
    const core = kubeConfig.makeApiClient(CoreV1Api);
    discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    controlPlane = await ControlPlane.start({
      logger: testLogger(),
      host: '127.0.0.1',
      port: 0,
      createSource: (registry, logger) => createKubernetesSource({ registry, logger, kubeConfig, namespaces: [NS] }),
    });
    await new Promise<void>((resolve) => controlPlane.registry.onSynced(resolve));
    stub = new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`);
  });

  afterAll(async () => {
    for (const recorder of recorders) recorder.close();
    stub?.close();
    await controlPlane?.stop(1_000);
    await k3s?.stop();
  });

  function watch(service: string, port: string): WatchRecorder {
    const recorder = new WatchRecorder(stub, { service: `${service}.${NS}`, port });
    recorders.push(recorder);
    return recorder;
  }

  function slice(name: string, endpoints: { ip: string; ready?: boolean; serving?: boolean; terminating?: boolean }[]) {
    return {
      metadata: { name, namespace: NS, labels: { 'kubernetes.io/service-name': 'manual', 'endpointslice.kubernetes.io/managed-by': 'e2e.lookaside.dev' } },
      addressType: 'IPv4',
      ports: [{ name: 'grpc', port: 8080, protocol: 'TCP' }],
      endpoints: endpoints.map((e) => ({
        addresses: [e.ip],
        conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
        zone: 'zone-a',
      })),
    };
  }

  it('follows hand-written EndpointSlices of a selector-less Service', async () => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const watcher = watch('manual', 'grpc');
    await watcher.waitForUpdate((u) => !u.exists, 'the service unknown');
    await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'manual' }, spec: { ports: [{ name: 'grpc', port: 50051, targetPort: 8080 }] } } });
    await watcher.waitForUpdate((u) => u.exists && u.servers.length === 0, 'the service, without endpoints');
    await discovery.createNamespacedEndpointSlice({ namespace: NS, body: slice('manual-a', [{ ip: '10.20.0.1' }, { ip: '10.20.0.2' }]) });
    await discovery.createNamespacedEndpointSlice({ namespace: NS, body: slice('manual-b', [{ ip: '10.20.0.2' }, { ip: '10.20.0.3' }]) });
    const joined = await watcher.waitForAddresses(['10.20.0.1:8080', '10.20.0.2:8080', '10.20.0.3:8080']);
    expect(joined.servers[0]!.zone).toBe('zone-a');
    // 10.20.0.1 drains while others are ready: it leaves the list.
    await discovery.replaceNamespacedEndpointSlice({ name: 'manual-a', namespace: NS, body: slice('manual-a', [{ ip: '10.20.0.1', ready: false, serving: true, terminating: true }, { ip: '10.20.0.2' }]) });
    await watcher.waitForAddresses(['10.20.0.2:8080', '10.20.0.3:8080']);
    // manual-a goes; 10.20.0.2 is still in manual-b and must not flap.
    await discovery.deleteNamespacedEndpointSlice({ name: 'manual-a', namespace: NS });
    await discovery.replaceNamespacedEndpointSlice({ name: 'manual-b', namespace: NS, body: slice('manual-b', [{ ip: '10.20.0.2' }, { ip: '10.20.0.3' }, { ip: '10.20.0.4' }]) });
    await watcher.waitForAddresses(['10.20.0.2:8080', '10.20.0.3:8080', '10.20.0.4:8080']);
    for (const list of watcher.addressLists().filter((l) => l.length > 0)) expect(list).toContain('10.20.0.2:8080');
    await core.deleteNamespacedService({ name: 'manual', namespace: NS });
    await watcher.waitForUpdate((u) => !u.exists, 'the service deleted');
  });

  it('publishes the pods of a real Deployment', async () => {
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const labels = { app: 'pause' };
    await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'pause' }, spec: { selector: labels, ports: [{ name: 'grpc', port: 50051, targetPort: 8080 }] } } });
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'pause' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'pause', image: PAUSE_IMAGE, ports: [{ name: 'grpc', containerPort: 8080 }] }] } },
        },
      },
    });
    const watcher = watch('pause', 'grpc');
    const ready = await watcher.waitForUpdate((u) => u.servers.length === 2, 'two ready pods', 240_000);
    for (const server of ready.servers) {
      expect(server.address).toMatch(/:8080$/);
      expect(server.metadata.pod).toMatch(/^pause-/);
      expect(server.metadata.node).toBeTruthy();
    }
    await apps.patchNamespacedDeploymentScale(
      { name: 'pause', namespace: NS, body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] },
    );
    await watcher.waitForUpdate((u) => u.servers.length === 1, 'one pod after scaling down', 120_000);
  });
});
