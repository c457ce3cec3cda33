// The topology rules of caller-topology.ts for the registry file (which
// has no hints: the Service's trafficDistribution applies to the backends'
// own zone and node) through a real control plane, as both faces answer
// them: GetServers (Server.priority) and xDS (EDS priorities, with the
// caller's node from its bootstrap's node.metadata). Backends: two nodes in
// zone-a, one node in zone-b. The Kubernetes rules (hints) are in
// kubernetes-topology.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { RawAdsClient, TYPES, unpack } from '../support/raw-ads-client.js';

const BACKENDS: { address: string; zone: string; metadata: Record<string, string> }[] = [
  { address: '10.0.0.1:8080', zone: 'zone-a', metadata: { node: 'node-a1' } },
  { address: '10.0.0.2:8080', zone: 'zone-a', metadata: { node: 'node-a2' } },
  { address: '10.0.0.3:8080', zone: 'zone-b', metadata: { node: 'node-b1' } },
];

function service(name: string, rules: Pick<FileService, 'trafficDistribution' | 'internalTrafficPolicy'>, backends: typeof BACKENDS = BACKENDS): FileService {
  return { name, namespace: 'topo', ...rules, ports: [{ name: 'grpc', port: 9000, backends }] };
}

let cp: FileControlPlane;
beforeAll(async () => {
  cp = await startFileControlPlane([
    service('node', { trafficDistribution: 'PreferSameNode' }),
    service('local', { internalTrafficPolicy: 'Local' }),
  ]);
});
afterAll(() => cp?.close());

/** address → priority, for a caller at zone/node. */
async function ranks(name: string, client: { zone?: string; node?: string }): Promise<Record<string, number>> {
  const update = await cp.stub.getServers({ service: `${name}.topo`, port: 'grpc', client }, 5_000);
  return Object.fromEntries(update.servers.map((s) => [s.address, s.priority]));
}

describe('GetServers', () => {
  it('PreferSameNode: the caller\'s node, then its zone, then the rest', async () => {
    expect(await ranks('node', { zone: 'zone-a', node: 'node-a1' })).toEqual({ '10.0.0.1:8080': 0, '10.0.0.2:8080': 1, '10.0.0.3:8080': 2 });
    // A node with no backend: its zone first.
    expect(await ranks('node', { zone: 'zone-b', node: 'node-x' })).toEqual({ '10.0.0.1:8080': 1, '10.0.0.2:8080': 1, '10.0.0.3:8080': 0 });
    expect(await ranks('node', {})).toEqual({ '10.0.0.1:8080': 0, '10.0.0.2:8080': 0, '10.0.0.3:8080': 0 });
  });

  it('internalTrafficPolicy Local: only the caller\'s node; none there is none; no node is everything', async () => {
    expect(await ranks('local', { node: 'node-a2' })).toEqual({ '10.0.0.2:8080': 0 });
    expect(await ranks('local', { node: 'node-elsewhere' })).toEqual({});
    expect(Object.keys(await ranks('local', {}))).toHaveLength(3);
  });

  it('encodes an answer once for all callers that get it, whatever node names they send', async () => {
    const encoder = cp.controlPlane.server.loadBalancer.encoder;
    const zoneBFirst = { '10.0.0.1:8080': 1, '10.0.0.2:8080': 1, '10.0.0.3:8080': 0 };
    expect(await ranks('node', { zone: 'zone-b', node: 'node-x0' })).toEqual(zoneBFirst);
    expect(await ranks('local', { node: 'node-gone-0' })).toEqual({});
    const before = encoder.encodes;
    for (let i = 1; i <= 20; i++) {
      expect(await ranks('node', { zone: 'zone-b', node: `node-x${i}` })).toEqual(zoneBFirst);
      expect(await ranks('local', { node: `node-gone-${i}` })).toEqual({});
    }
    expect(encoder.encodes).toBe(before);
  });

});

describe('xDS', () => {
  async function assignment(name: string, node: { zone?: string; kubernetesNode?: string }) {
    const client = new RawAdsClient(cp.address);
    try {
      client.send({
        node: {
          id: 'topology-test',
          locality: { zone: node.zone ?? '' },
          // proto-loader (the raw client) names google.protobuf.Value's fields in camelCase.
          ...(node.kubernetesNode && { metadata: { fields: { 'lookaside.dev/node': { stringValue: node.kubernetesNode } } } }),
        } as never,
        type_url: TYPES.endpoints,
        resource_names: [`${name}.topo:9000`],
      });
      const cla = unpack((await client.next()).resources[0]!) as { endpoints: { priority: number; lb_endpoints: { endpoint: { address: { socket_address: { address: string } } } }[] }[] };
      const byAddress: Record<string, number> = {};
      for (const locality of cla.endpoints) for (const lb of locality.lb_endpoints) byAddress[lb.endpoint.address.socket_address.address] = locality.priority;
      return byAddress;
    } finally {
      client.close();
    }
  }

  it('ranks by the bootstrap\'s zone and node as EDS priorities, and leaves out other nodes under Local', async () => {
    expect(await assignment('node', { zone: 'zone-a', kubernetesNode: 'node-a1' })).toEqual({ '10.0.0.1': 0, '10.0.0.2': 1, '10.0.0.3': 2 });
    expect(await assignment('local', { kubernetesNode: 'node-b1' })).toEqual({ '10.0.0.3': 0 });
    expect(await assignment('local', {})).toEqual({ '10.0.0.1': 0, '10.0.0.2': 0, '10.0.0.3': 0 });
  });
});
