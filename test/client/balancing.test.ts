// Balancing across real backends, through a real control plane on the file
// source: shares for equal and unequal weights, one connection per backend,
// and no new connection after a weight-only update.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEAST_REQUEST_POLICY, registerLookaside, WEIGHTED_ROUND_ROBIN_POLICY, type LookasideRegistration } from 'grpc-lookaside-client';
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

let registration: LookasideRegistration | undefined;
beforeAll(async () => {
  backends = await startIdentityBackends(10);
  cp = await startFileControlPlane([service('equal', backends.map((b) => ({ address: b.address })))]);
  registration = registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

function client(target: string, options = {}): IdentityClient {
  const created = new IdentityClient(target, options);
  clients.push(created);
  return created;
}

describe('lookaside_weighted_round_robin', () => {
  // The picker is deterministic (earliest deadline first: over any run of
  // picks each backend is within one pick of its share), so a share holds on
  // a few thousand calls; more would only add time, not power.
  it('gives each of 10 equal backends its fair share of 2,000 calls, within 1%', async () => {
    const c = client('lookaside:///equal.test:grpc');
    await warmUp(c, backends);
    const counts = await measure(c, backends, 2_000);
    for (const backend of backends) {
      const count = counts.get(backend.name)!;
      // Fair share: 200 calls; 1% of it is 2 calls.
      expect(Math.abs(count - 200), `${backend.name} got ${count}`).toBeLessThanOrEqual(2);
    }
  });

  it('honours weights 1:2:3:4 to within 1 percentage point each', async () => {
    const four = backends.slice(0, 4);
    await cp.write([service('equal', []), service('weighted', four.map((b, i) => ({ address: b.address, weight: i + 1 })))]);
    const c = client('lookaside:///weighted.test:grpc');
    await warmUp(c, four);
    const counts = await measure(c, four, 1_000);
    four.forEach((backend, i) => {
      // 1 point of 1,000 calls is 10 calls; the picker is within one.
      const share = (counts.get(backend.name)! / 1_000) * 100;
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

function leastRequestConfig(choiceCount?: number): string {
  return JSON.stringify({ loadBalancingConfig: [{ [LEAST_REQUEST_POLICY]: choiceCount === undefined ? {} : { choiceCount } }] });
}

describe('lookaside_least_request', () => {
  it('honours weights 1:3 when no call is in flight', async () => {
    const two = backends.slice(0, 2);
    await cp.write([service('lr-weights', two.map((b, i) => ({ address: b.address, weight: i === 0 ? 100 : 300 })))]);
    const c = client('lookaside:///lr-weights.test:grpc', { 'grpc.service_config': leastRequestConfig() });
    await warmUp(c, two);
    const before = two.map((b) => b.calls);
    const { failures } = await c.spread(4_000, 1);
    expect(failures).toEqual([]);
    const share = ((two[1]!.calls - before[1]!) / 4_000) * 100;
    // Random draws: 75% expected, standard deviation 0.7 points.
    expect(Math.abs(share - 75), `heavy backend got ${share}%`).toBeLessThanOrEqual(3);
  });

  it('sends new calls away from a backend whose calls are stuck in flight', async () => {
    const three = backends.slice(7, 10);
    const stuck = three[0]!;
    await cp.write([service('lr-stuck', three.map((b) => ({ address: b.address })))]);
    const c = client('lookaside:///lr-stuck.test:grpc', { 'grpc.service_config': leastRequestConfig(2) });
    await warmUp(c, three);
    stuck.mode = 'hold';
    try {
      const arrived = () => three.reduce((sum, b) => sum + b.calls, 0);
      const calls: Promise<unknown>[] = [];
      const failures: unknown[] = [];
      // One call at a time reaches a server; held calls stay in flight.
      for (let i = 0; i < 300; i++) {
        const before = arrived();
        calls.push(c.who({ timeoutMs: 20_000 }).catch((error: unknown) => failures.push(error)));
        await waitFor('the call to reach a backend', () => arrived() > before, 5_000, 1);
      }
      // Round robin would have stuck ~100 calls on it; least request sends it
      // a call only when it has no more in flight than the other backend drawn.
      expect(stuck.held).toBeLessThanOrEqual(5);
      stuck.release();
      await Promise.all(calls);
      expect(failures).toEqual([]);
    } finally {
      stuck.mode = 'answer';
      stuck.release();
    }
  });
});

describe('as the child of outlier_detection', () => {
  const outlierConfig = (child: string) =>
    JSON.stringify({
      loadBalancingConfig: [
        {
          outlier_detection: {
            interval: { seconds: 0, nanos: 100_000_000 },
            base_ejection_time: { seconds: 30, nanos: 0 },
            max_ejection_percent: 50,
            failure_percentage_ejection: { threshold: 50, enforcement_percentage: 100, minimum_hosts: 3, request_volume: 10 },
            child_policy: [{ [child]: {} }],
          },
        },
      ],
    });

  for (const policy of [WEIGHTED_ROUND_ROBIN_POLICY, LEAST_REQUEST_POLICY]) {
    it(`${policy}: balances, and stops sending to a failing backend once it is ejected`, async () => {
      const three = backends.slice(0, 3);
      const failing = three[2]!;
      await cp.write([service(`od-${policy.length}`, three.map((b) => ({ address: b.address })))]);
      const c = client(`lookaside:///od-${policy.length}.test:grpc`, { 'grpc.service_config': outlierConfig(policy) });
      await warmUp(c, three);
      failing.mode = 'fail';
      try {
        await waitFor('the failing backend to be ejected', async () => {
          const before = failing.calls;
          await c.spread(100, 4);
          return failing.calls === before;
        });
        const before = three.map((b) => b.calls);
        const { failures } = await c.spread(600, 8);
        expect(failures).toEqual([]);
        const counts = three.map((b, i) => b.calls - before[i]!);
        expect(counts[2]).toBe(0);
        expect(counts[0]! + counts[1]!).toBe(600);
        expect(Math.min(counts[0]!, counts[1]!)).toBeGreaterThan(200);
      } finally {
        failing.mode = 'answer';
      }
    });
  }
});
