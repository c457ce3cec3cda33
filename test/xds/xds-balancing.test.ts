// Proxyless gRPC through the xDS face: the real @grpc/grpc-js-xds client
// balances calls across real backends by the weights of a real control
// plane on the file source, follows changes without a failed call, tells an
// service with no backends from an unknown one, and accepts the target
// spellings docs/xds.md documents. (A port by NAME is served too, see
// ads-protocol.test.ts, but grpc-js builds an HTTP/2 URL from the target's
// authority and rejects "svc.ns:grpc" as one, so Node clients use numbers.)

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { status, type ServiceError } from '@grpc/grpc-js';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { startIdentityBackends, waitFor, type IdentityBackend, type IdentityClient } from '../support/identity-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';

function service(name: string, backends: { address: string; weight?: number }[], port = 8080): FileService {
  return { name, namespace: 'test', ports: [{ name: 'grpc', port, backends }] };
}

let backends: IdentityBackend[];
let cp: FileControlPlane;
const clients: IdentityClient[] = [];

function client(target: string): IdentityClient {
  const created = xdsIdentityClient(target, { controlPlane: cp.address, nodeId: `test-${clients.length}` });
  clients.push(created);
  return created;
}

/** Calls until every one of `expected` has answered: all are connected. */
async function warmUp(c: IdentityClient, expected: readonly IdentityBackend[]): Promise<void> {
  const seen = new Set<string>();
  await waitFor('every backend to answer', async () => {
    const { counts } = await c.spread(expected.length * 8, 8, { timeoutMs: 10_000 });
    for (const name of counts.keys()) seen.add(name);
    return expected.every((b) => seen.has(b.name));
  });
}

beforeAll(async () => {
  backends = await startIdentityBackends(5, 'xds');
  cp = await startFileControlPlane([]);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

describe('xDS balancing with @grpc/grpc-js-xds', () => {
  it('honours weights 1:2:3 to within 2 percentage points over 6,000 calls', async () => {
    const three = backends.slice(0, 3);
    await cp.write([service('weighted', three.map((b, i) => ({ address: b.address, weight: i + 1 })))]);
    const c = client('weighted.test:8080');
    await warmUp(c, three);
    const before = three.map((b) => b.calls);
    const { failures } = await c.spread(6_000, 16);
    expect(failures).toEqual([]);
    three.forEach((backend, i) => {
      const share = ((backend.calls - before[i]!) / 6_000) * 100;
      expect(Math.abs(share - ((i + 1) / 6) * 100), `${backend.name} got ${share.toFixed(2)}%`).toBeLessThanOrEqual(2);
    });
  });

  it('moves a backend whose weight alone changed to another locality at no more cost than any other backend, without a failed call, and follows the new shares', async () => {
    // Three of one weight share one locality; one of them then doubles its
    // weight and sits in a locality of its own. The move costs that backend
    // nothing the others do not pay: grpc-js-xds 1.14 builds new subchannels
    // for every backend on every EDS update (a new config selector object in
    // their arguments misses its subchannel pool), with one locality per
    // backend as much as with shared ones, so each backend is connected once
    // more, the moved one no more than the rest.
    const three = backends.slice(0, 3);
    await cp.write([service('reweighted', three.map((b) => ({ address: b.address, weight: 100 })))]);
    const c = client('reweighted.test:8080');
    await warmUp(c, three);
    const accepted = three.map((b) => b.connectionsAccepted);
    await cp.write([service('reweighted', three.map((b, i) => ({ address: b.address, weight: i === 0 ? 200 : 100 })))]);
    // Shares 2:1:1 once the change has reached the client.
    await waitFor('the new shares', async () => {
      const before = three.map((b) => b.calls);
      const { failures } = await c.spread(800, 16);
      expect(failures.map((f) => f.message)).toEqual([]);
      const share = ((three[0]!.calls - before[0]!) / 800) * 100;
      return Math.abs(share - 50) <= 4;
    });
    const added = three.map((b, i) => b.connectionsAccepted - accepted[i]!);
    expect(added.every((count) => count === added[0]), `connections added per backend: ${added.join(', ')}`).toBe(true);
  });

  it('uses an added backend and drops a removed one without a failed call', async () => {
    const [a, b, c3] = backends.slice(0, 3) as [IdentityBackend, IdentityBackend, IdentityBackend];
    await cp.write([service('changing', [{ address: a.address }, { address: b.address }])]);
    const c = client('changing.test:8080');
    await warmUp(c, [a, b]);
    // Calls run throughout both changes; none may fail.
    let running = true;
    const failures: ServiceError[] = [];
    const load = (async () => {
      while (running) failures.push(...(await c.spread(50, 8)).failures);
    })();
    try {
      await cp.write([service('changing', [{ address: a.address }, { address: b.address }, { address: c3.address }])]);
      const cBefore = c3.calls;
      await waitFor('the added backend gets calls', () => c3.calls > cBefore);
      await cp.write([service('changing', [{ address: a.address }, { address: c3.address }])]);
      // Once the removal has reached the client, b gets nothing more.
      await waitFor('the removed backend stops getting calls', async () => {
        const bBefore = b.calls;
        await c.spread(100, 8);
        return b.calls === bBefore;
      });
    } finally {
      running = false;
      await load;
    }
    expect(failures.map((f) => f.message)).toEqual([]);
  });

  it('tells a service with no backends apart from an unknown one', async () => {
    await cp.write([service('empty', [])]);
    const c = client('empty.test:8080');
    const error = await c.who({ timeoutMs: 10_000 }).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(error?.details).not.toMatch(/does not exist/);
  });

  it('accepts the cluster-local DNS spelling of a target', async () => {
    const one = backends[4]!;
    await cp.write([service('spelled', [{ address: one.address }])]);
    expect(await client('spelled.test.svc.cluster.local:8080').who({ timeoutMs: 10_000 })).toBe(one.name);
    expect(await client('spelled.test.svc:8080').who({ timeoutMs: 10_000 })).toBe(one.name);
  });
});
