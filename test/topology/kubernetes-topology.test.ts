// The topology rules for Services from Kubernetes, through the API harness
// and the real @kubernetes/client-node: the EndpointSlices' hints decide, as
// in kube-proxy (hints.forNodes when every endpoint has them and one names
// the caller's node, else hints.forZones likewise, else nothing is
// filtered), with the rest kept as failover ranks; internalTrafficPolicy
// Local keeps a caller on its node; and a change of the hints is a new
// answer.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { endpointSlice, READY, service } from '../support/kubernetes-objects.js';
import { startKubernetesControlPlane, type KubernetesControlPlane } from '../support/kubernetes-control-plane.js';
import { waitFor } from '../support/wait-until.js';

const NS = 'shop';
const PORTS = [{ name: 'grpc', port: 8080 }];
let cp: KubernetesControlPlane;

/** Three endpoints, one per zone and node, with the hints the EndpointSlice controller writes for PreferSameZone. */
function zonedSlice(name: string, svc: string, hints: { zones?: boolean; nodes?: boolean; skip?: string }) {
  return endpointSlice({
    name,
    namespace: NS,
    service: svc,
    ports: PORTS,
    endpoints: ['a', 'b', 'c'].map((z, i) => ({
      address: `10.0.0.${i + 1}`,
      ...READY,
      zone: `zone-${z}`,
      node: `node-${z}`,
      ...(hints.zones && hints.skip !== z && { forZones: [`zone-${z}`] }),
      ...(hints.nodes && { forNodes: [`node-${z}`] }),
    })),
  });
}

beforeAll(async () => {
  cp = await startKubernetesControlPlane({
    seed: (harness) => {
      harness.apply('services', service('zoned', NS, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { trafficDistribution: 'PreferClose' }));
      harness.apply('endpointslices', zonedSlice('zoned-1', 'zoned', { zones: true }));
      harness.apply('services', service('partial', NS, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { trafficDistribution: 'PreferSameZone' }));
      harness.apply('endpointslices', zonedSlice('partial-1', 'partial', { zones: true, skip: 'c' }));
      harness.apply('services', service('noded', NS, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { trafficDistribution: 'PreferSameNode' }));
      harness.apply('endpointslices', zonedSlice('noded-1', 'noded', { zones: true, nodes: true }));
      harness.apply('services', service('local', NS, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { internalTrafficPolicy: 'Local' }));
      harness.apply('endpointslices', zonedSlice('local-1', 'local', {}));
    },
  });
  await cp.synced();
});
afterAll(() => cp?.close());

async function ranks(name: string, client: { zone?: string; node?: string }): Promise<Record<string, number>> {
  const update = await cp.stub.getServers({ service: `${name}.${NS}`, port: 'grpc', client }, 5_000);
  return Object.fromEntries(update.servers.map((s) => [s.address, s.priority]));
}

it('PreferClose with hints.forZones: the caller\'s zone first, the other zones kept as failover', async () => {
  expect(await ranks('zoned', { zone: 'zone-b' })).toEqual({ '10.0.0.1:8080': 1, '10.0.0.2:8080': 0, '10.0.0.3:8080': 1 });
  expect(await ranks('zoned', {})).toEqual({ '10.0.0.1:8080': 0, '10.0.0.2:8080': 0, '10.0.0.3:8080': 0 });
});

it('filters nothing while any endpoint lacks hints, and filters again once every endpoint has them', async () => {
  expect(await ranks('partial', { zone: 'zone-a' })).toEqual({ '10.0.0.1:8080': 0, '10.0.0.2:8080': 0, '10.0.0.3:8080': 0 });
  cp.harness.apply('endpointslices', zonedSlice('partial-1', 'partial', { zones: true }));
  await waitFor('the hints reach the answer', async () => (await ranks('partial', { zone: 'zone-a' }))['10.0.0.3:8080'] === 1);
});

it('a zone that loses its last ready endpoint gets the other zones at rank 0 in the next version', async () => {
  expect((await ranks('zoned', { zone: 'zone-c' }))['10.0.0.3:8080']).toBe(0);
  const twoZones = zonedSlice('zoned-1', 'zoned', { zones: true }) as unknown as { endpoints: { conditions: Record<string, boolean> }[] };
  twoZones.endpoints[2]!.conditions = { ready: false, serving: false, terminating: true };
  cp.harness.apply('endpointslices', twoZones as never);
  await waitFor('the zone-c caller is sent to the other zones', async () => {
    const answer = await ranks('zoned', { zone: 'zone-c' });
    return answer['10.0.0.3:8080'] === undefined && Object.values(answer).every((rank) => rank === 0);
  });
});

it('PreferSameNode with hints.forNodes: the caller\'s node, then its zone\'s hints, then the rest', async () => {
  expect(await ranks('noded', { zone: 'zone-a', node: 'node-a' })).toEqual({ '10.0.0.1:8080': 0, '10.0.0.2:8080': 1, '10.0.0.3:8080': 1 });
  // A node no endpoint is hinted for: the zone hints decide.
  expect(await ranks('noded', { zone: 'zone-c', node: 'node-x' })).toEqual({ '10.0.0.1:8080': 1, '10.0.0.2:8080': 1, '10.0.0.3:8080': 0 });
});

it('internalTrafficPolicy Local: only the endpoints on the caller\'s node', async () => {
  expect(await ranks('local', { node: 'node-c' })).toEqual({ '10.0.0.3:8080': 0 });
  expect(await ranks('local', { node: 'node-z' })).toEqual({});
});

it('places a caller that names only its node by the Node\'s zone label, and follows the label when it changes', async () => {
  const node = (zone: string) => ({ metadata: { name: 'node-q', namespace: '', labels: { 'topology.kubernetes.io/zone': zone } } });
  // Not known yet: no filtering.
  expect(new Set(Object.values(await ranks('zoned', { node: 'node-q' })))).toEqual(new Set([0]));
  cp.harness.apply('nodes', node('zone-b'));
  await waitFor('the node\'s zone is known', async () => (await ranks('zoned', { node: 'node-q' }))['10.0.0.2:8080'] === 0 && (await ranks('zoned', { node: 'node-q' }))['10.0.0.1:8080'] === 1);
  const watcher = cp.watch({ service: `zoned.${NS}`, port: 'grpc', client: { node: 'node-q' } });
  await watcher.waitFor((r) => r.last?.servers.find((s) => s.address === '10.0.0.2:8080')?.priority === 0);
  const version = watcher.last!.version;
  cp.harness.apply('nodes', node('zone-a'));
  // The same version of the service, a new answer for this caller.
  await watcher.waitFor((r) => r.last?.servers.find((s) => s.address === '10.0.0.1:8080')?.priority === 0);
  expect(watcher.last!.version).toBe(version);
});
