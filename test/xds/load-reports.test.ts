// Load reports from real @grpc/grpc-js-xds channels: Clusters name the
// control plane as their LRS server, the clients report every interval the
// control plane sets, and the observer holds, per backend, the calls each
// backend itself counted. A locality of several backends (one zone, rank and
// weight) is reported as one; its calls are split evenly among them.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { startIdentityBackends, type IdentityBackend, type IdentityClient } from '../support/identity-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';
import { waitFor } from '../support/wait-until.js';
import { RawAdsClient, TYPES, unpack } from '../support/raw-ads-client.js';
import type { ServiceLoad } from '../../src/observer/traffic-observer.js';

function service(name: string, backends: { address: string; weight?: number }[]): FileService {
  return { name, namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends }] };
}

let backends: IdentityBackend[];
let cp: FileControlPlane;
const clients: IdentityClient[] = [];

function client(target: string): IdentityClient {
  const created = xdsIdentityClient(target, { controlPlane: cp.address, nodeId: `lrs-test-${clients.length}` });
  clients.push(created);
  return created;
}

function load(cluster: string): ServiceLoad | undefined {
  return cp.controlPlane.observer.snapshot().services.find((entry) => entry.cluster === cluster);
}

beforeAll(async () => {
  backends = await startIdentityBackends(6, 'lrs');
  cp = await startFileControlPlane([], { controlPlane: { loadReports: { intervalMs: 200 } } });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

describe('LRS from grpc-js-xds', () => {
  it('Clusters name the control plane as their LRS server', async () => {
    await cp.write([service('named', [{ address: backends[0]!.address }])]);
    const ads = new RawAdsClient(cp.address);
    try {
      ads.send({ node: { id: 'raw', locality: {} }, type_url: TYPES.cluster, resource_names: ['named.test:8080'] });
      const response = await ads.next();
      expect(unpack(response.resources[0]!)).toMatchObject({ name: 'named.test:8080', lrs_server: { self: {} } });
    } finally {
      ads.close();
    }
  });

  it('reports, per backend, exactly the calls each backend counted, failures apart', async () => {
    const three = backends.slice(0, 3);
    await cp.write([service('weighted', three.map((b, i) => ({ address: b.address, weight: i + 1 })))]);
    three[2]!.mode = 'fail';
    const c = client('weighted.test:8080');
    const { failures } = await c.spread(600, 8, { timeoutMs: 10_000 });
    const counted = three.map((b) => b.calls);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(600);
    expect(failures.length).toBe(counted[2]);
    await waitFor('every call in the load reports', () => {
      const entry = load('weighted.test:8080');
      return entry !== undefined && entry.succeeded + entry.failed === 600;
    });
    const entry = load('weighted.test:8080')!;
    expect(entry.backends).toEqual(
      expect.arrayContaining(
        three.map((backend, i) => ({ backend: backend.address, succeeded: i === 2 ? 0 : counted[i], failed: i === 2 ? counted[i] : 0 })),
      ),
    );
    const xdsClient = cp.controlPlane.observer.snapshot().clients.find((status) => status.clientId === 'lrs-test-0' && status.connected);
    expect(xdsClient?.lastReport).toBeDefined();
    three[2]!.mode = 'answer';
  });

  it('splits the calls of a locality of several backends evenly among them, marked as estimated', async () => {
    const three = backends.slice(3, 6);
    await cp.write([service('grouped', three.map((b) => ({ address: b.address, weight: 100 })))]);
    const c = client('grouped.test:8080');
    const { failures } = await c.spread(300, 8, { timeoutMs: 10_000 });
    expect(failures).toEqual([]);
    await waitFor('every call in the load reports', () => {
      const entry = load('grouped.test:8080');
      return entry !== undefined && Math.round(entry.succeeded) === 300;
    });
    const rows = load('grouped.test:8080')!.backends;
    expect(rows.map((row) => row.backend).sort()).toEqual(three.map((b) => b.address).sort());
    for (const row of rows) {
      expect(row.succeeded).toBeCloseTo(100, 6);
      expect(row.estimatedFrom).toBe('/priority-0/weight-100');
    }
  });
});
