// Weights from Pod annotations reach real calls: a Kubernetes Service (API
// harness, real client-node) whose three pods are annotated 100 / 200 / 300
// and whose endpoints are real grpc-js backends on 127.0.0.1; a lookaside
// channel and an xDS channel (@grpc/grpc-js-xds) each spread their calls
// 1:2:3, within 2 percentage points. The xDS channel picks a locality at
// random (weighted_target): 6,000 calls put 2 points at over 3 standard
// deviations of the largest share. The lookaside picker is deterministic
// (earliest deadline first, within one pick of each share), so 1,200 do.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { IdentityClient, startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';
import { endpointSlice, pod, READY, service } from '../support/kubernetes-objects.js';
import { startKubernetesControlPlane, type KubernetesControlPlane } from '../support/kubernetes-control-plane.js';
import { xdsIdentityClient } from '../support/xds-client.js';

const NS = 'shop';
let backends: IdentityBackend[];
let cp: KubernetesControlPlane;

let registration: LookasideRegistration | undefined;
beforeAll(async () => {
  backends = await startIdentityBackends(3, 'annotated');
  cp = await startKubernetesControlPlane({
    source: { podWeights: true },
    seed: (harness) => {
      harness.apply('services', service('cart', NS, [{ name: 'grpc', port: 50051, targetPort: 'grpc' }]));
      // Each backend listens on its own port: one slice per port, as the controller writes for pods with different port numbers.
      backends.forEach((backend, i) => {
        const port = Number(backend.address.split(':')[1]);
        harness.apply('endpointslices', endpointSlice({ name: `cart-${i}`, namespace: NS, service: 'cart', ports: [{ name: 'grpc', port }], endpoints: [{ address: '127.0.0.1', ...READY, pod: `cart-${i}` }] }));
        harness.apply('pods', pod({ name: `cart-${i}`, namespace: NS, labels: { app: 'cart' }, ip: '127.0.0.1', annotations: { 'lookaside.dev/weight': String(100 * (i + 1)) } }));
      });
    },
  });
  await cp.synced();
  registration = registerLookaside({ controlPlane: `127.0.0.1:${cp.controlPlane.port}`, startTimeoutMs: 5_000 });
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

async function shares(client: IdentityClient, calls: number): Promise<number[]> {
  await waitFor('every backend answers', async () => {
    const { counts } = await client.spread(60, 8, { timeoutMs: 10_000 });
    return backends.every((b) => (counts.get(b.name) ?? 0) > 0);
  }, 20_000);
  const before = backends.map((b) => b.calls);
  const { failures } = await client.spread(calls, 16, { timeoutMs: 10_000 });
  expect(failures).toEqual([]);
  return backends.map((b, i) => ((b.calls - before[i]!) / calls) * 100);
}

it.each(['lookaside', 'xds'] as const)('a %s channel spreads calls 1:2:3 by the pods\' annotations', async (kind) => {
  const client = kind === 'lookaside' ? new IdentityClient('lookaside:///cart.shop:grpc') : xdsIdentityClient('cart.shop:50051', { controlPlane: `127.0.0.1:${cp.controlPlane.port}`, nodeId: 'weights-test' });
  try {
    const measured = await shares(client, kind === 'lookaside' ? 1_200 : 6_000);
    measured.forEach((share, i) => expect(Math.abs(share - ((i + 1) / 6) * 100), `backend ${i} got ${share.toFixed(2)}%`).toBeLessThanOrEqual(2));
  } finally {
    client.close();
  }
});
