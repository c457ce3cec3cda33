// Balancing across real backends, through a real control plane on the file
// source: shares for equal and unequal weights, one connection per backend,
// and no new connection after a weight-only update.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerLookaside } from '../../src/client/index.js';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';

function service(name: string, backends: { address: string; weight?: number }[]): FileService {
  return { name, namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends }] };
}

/** Calls until every backend has answered at least once: all are connected and READY. */
async function warmUp(client: IdentityClient, backends: readonly IdentityBackend[]): Promise<void> {
  const seen = new Set<string>();
  await waitFor('every backend to answer', async () => {
    const { counts } = await client.spread(backends.length * 4, 8);
    for (const name of counts.keys()) seen.add(name);
    return backends.every((b) => seen.has(b.name));
  });
}

/** Runs `total` calls and returns each backend's share of them, from the servers' own counts. */
async function measure(client: IdentityClient, backends: readonly IdentityBackend[], total: number): Promise<Map<string, number>> {
  const before = new Map(backends.map((b) => [b.name, b.calls]));
  const { failures } = await client.spread(total, 16);
  expect(failures).toEqual([]);
  return new Map(backends.map((b) => [b.name, b.calls - before.get(b.name)!]));
}

let backends: IdentityBackend[];
let cp: FileControlPlane;
const clients: IdentityClient[] = [];

beforeAll(async () => {
  backends = await startIdentityBackends(10);
  cp = await startFileControlPlane([service('equal', backends.map((b) => ({ address: b.address })))]);
  registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

function client(target: string, options = {}): IdentityClient {
  const created = new IdentityClient(target, options);
  clients.push(created);
  return created;
}

describe('lookaside_weighted_round_robin', () => {
  it('gives each of 10 equal backends its fair share of 10,000 calls, within 1%', async () => {
    const c = client('lookaside:///equal.test:grpc');
    await warmUp(c, backends);
    const counts = await measure(c, backends, 10_000);
    for (const backend of backends) {
      const count = counts.get(backend.name)!;
      // Fair share: 1,000 calls; 1% of it is 10 calls.
      expect(Math.abs(count - 1_000), `${backend.name} got ${count}`).toBeLessThanOrEqual(10);
    }
  });

  it('honours weights 1:2:3:4 to within 1 percentage point each', async () => {
    const four = backends.slice(0, 4);
    await cp.write([service('equal', []), service('weighted', four.map((b, i) => ({ address: b.address, weight: i + 1 })))]);
    const c = client('lookaside:///weighted.test:grpc');
    await warmUp(c, four);
    const counts = await measure(c, four, 10_000);
    four.forEach((backend, i) => {
      const share = (counts.get(backend.name)! / 10_000) * 100;
      expect(Math.abs(share - (i + 1) * 10), `${backend.name} got ${share}%`).toBeLessThanOrEqual(1);
    });
  });

  it('opens one connection per backend, and none after a weight-only update', async () => {
    const three = backends.slice(4, 7);
    await cp.write([service('conn', three.map((b) => ({ address: b.address, weight: 100 })))]);
    const acceptedBefore = three.map((b) => b.connectionsAccepted);
    const c = client('lookaside:///conn.test:grpc', { 'grpc.use_local_subchannel_pool': 1 });
    await warmUp(c, three);
    await measure(c, three, 600);
    expect(three.map((b, i) => b.connectionsAccepted - acceptedBefore[i]!)).toEqual([1, 1, 1]);

    // Weights 1:1:1 -> 1:1:8: calls shift to the heavy backend over the same connections.
    await cp.write([service('conn', three.map((b, i) => ({ address: b.address, weight: i === 2 ? 800 : 100 })))]);
    await waitFor('the new weights to apply', async () => {
      const counts = await measure(c, three, 200);
      return counts.get(three[2]!.name)! >= 150;
    });
    const counts = await measure(c, three, 1_000);
    expect(counts.get(three[2]!.name)).toBeGreaterThanOrEqual(790);
    expect(three.map((b, i) => b.connectionsAccepted - acceptedBefore[i]!)).toEqual([1, 1, 1]);
    expect(three.map((b) => b.connectionsOpen)).toEqual([1, 1, 1]);
  });
});
