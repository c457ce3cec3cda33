// End to end: harness → client-node → Kubernetes source → registry → gRPC
// WatchServers client. Each test uses its own Service in a shared control
// plane and asserts the exact sequence of lists a watcher sees.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesControlPlane, type KubernetesControlPlane } from '../../support/kubernetes-control-plane.js';
import { endpointSlice, READY, service, STARTING, TERMINATING, type EndpointInput } from '../../support/kubernetes-objects.js';
import type { WatchRecorder } from '../../support/watch-recorder.js';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait-until.js';

let cp: KubernetesControlPlane;
beforeAll(async () => {
  cp = await startKubernetesControlPlane();
  await cp.synced();
});
afterAll(() => cp.close());

const ns = 'shop';
const grpcPorts = [{ name: 'grpc', port: 8080 }];

function putService(name: string, extra: Parameters<typeof service>[3] = {}) {
  cp.harness.apply('services', service(name, ns, [{ name: 'grpc', port: 50051, targetPort: 8080 }], extra));
}
function putSlice(svc: string, slice: string, endpoints: EndpointInput[], addressType: 'IPv4' | 'IPv6' | 'FQDN' = 'IPv4') {
  cp.harness.apply('endpointslices', endpointSlice({ name: slice, namespace: ns, service: svc, addressType, ports: grpcPorts, endpoints }));
}
function range(prefix: string, from: number, to: number): EndpointInput[] {
  const out: EndpointInput[] = [];
  for (let i = from; i < to; i++) out.push({ address: `${prefix}.${Math.floor(i / 250)}.${(i % 250) + 1}`, pod: `pod-${i}`, zone: `zone-${i % 3}` });
  return out;
}
const at = (e: EndpointInput[]) => e.map((x) => `${x.address}:8080`);

/** Opens a watcher before the service exists, so the first update it sees is "unknown" and every later one is caused by the test. */
async function watchFromScratch(name: string): Promise<WatchRecorder> {
  const watcher = cp.watch({ service: `${name}.${ns}`, port: 'grpc' });
  await watcher.waitForUpdate((u) => !u.exists, `${name} unknown`);
  return watcher;
}

/** Asserts that versions only go up and that consecutive lists all differ. */
function expectNoRepeats(recorder: WatchRecorder) {
  const versions = recorder.updates.map((u) => u.version);
  expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  expect(new Set(versions).size).toBe(versions.length);
}

describe('slices', () => {
  it('joins a service spread over three slices (real-looking addresses)', async () => {
    putService('catalog');
    const a = range('10.1', 0, 100);
    const b = range('10.1', 100, 200);
    const c = range('10.1', 200, 230);
    putSlice('catalog', 'catalog-x7k2p', a);
    putSlice('catalog', 'catalog-9fqzm', b);
    putSlice('catalog', 'catalog-m2c8d', c);
    const watcher = cp.watch({ service: `catalog.${ns}`, port: 'grpc' });
    const update = await watcher.waitForAddresses(at([...a, ...b, ...c]));
    expect(update.servers).toHaveLength(230);
    expect(update.servers.find((s) => s.address === '10.1.0.1:8080')).toEqual({ address: '10.1.0.1:8080', weight: 100, zone: 'zone-0', metadata: { pod: 'pod-0' }, priority: 0 });
    // By number too: port 50051 is the Service port.
    const byNumber = await cp.stub.getServers({ service: `catalog.${ns}`, port: '50051' }, 2_000);
    expect(byNumber.servers).toHaveLength(230);
  });

  it('never drops an endpoint that moves between slices or sits in two', async () => {
    const watcher = await watchFromScratch('cart');
    putService('cart');
    putSlice('cart', 'cart-a', [{ address: '10.2.0.1' }, { address: '10.2.0.2' }]);
    putSlice('cart', 'cart-b', [{ address: '10.2.0.3' }]);
    await watcher.waitForAddresses(['10.2.0.1:8080', '10.2.0.2:8080', '10.2.0.3:8080']);
    // The Service and its slices arrive on two watches and may be published
    // in one or two steps; the scenario is asserted from here on.
    const since = watcher.updates.length - 1;
    // 10.2.0.2 moves from cart-a to cart-b: first it is in both...
    putSlice('cart', 'cart-b', [{ address: '10.2.0.3' }, { address: '10.2.0.2' }]);
    await cp.harness.waitForWatches('endpointslices');
    // ...then it leaves cart-a; each write is a separate watch event.
    putSlice('cart', 'cart-a', [{ address: '10.2.0.1' }]);
    // A copy that is not ready in a stale slice does not hide a ready one.
    putSlice('cart', 'cart-c', [{ address: '10.2.0.3', ...STARTING }]);
    // A real change, to have a barrier after the moves.
    putSlice('cart', 'cart-d', [{ address: '10.2.0.4' }]);
    await watcher.waitForAddresses(['10.2.0.1:8080', '10.2.0.2:8080', '10.2.0.3:8080', '10.2.0.4:8080']);
    expect(watcher.addressLists().slice(since).map((l) => l.length)).toEqual([3, 4]);
    expectNoRepeats(watcher);
  });

  it('follows a rolling update exactly: ready, terminating, gone; new pods not ready, then ready', async () => {
    const watcher = await watchFromScratch('orders');
    putService('orders');
    const old = (i: number, conditions: object = READY) => ({ address: `10.3.0.${i}`, pod: `orders-old-${i}`, ...conditions });
    const neu = (i: number, conditions: object = READY) => ({ address: `10.3.1.${i}`, pod: `orders-new-${i}`, ...conditions });
    putSlice('orders', 'orders-old', [old(1), old(2)]);
    await watcher.waitForAddresses(['10.3.0.1:8080', '10.3.0.2:8080']);
    const since = watcher.updates.length - 1;

    // Surge one new pod: not ready, so nothing changes for clients.
    putSlice('orders', 'orders-new', [neu(1, STARTING)]);
    putSlice('orders', 'orders-new', [neu(1)]);
    await watcher.waitForAddresses(['10.3.0.1:8080', '10.3.0.2:8080', '10.3.1.1:8080']);
    // Old pod 1 terminates (serving while it drains, but others are ready), then goes.
    putSlice('orders', 'orders-old', [old(1, TERMINATING), old(2)]);
    await watcher.waitForAddresses(['10.3.0.2:8080', '10.3.1.1:8080']);
    putSlice('orders', 'orders-old', [old(2)]);
    putSlice('orders', 'orders-new', [neu(1), neu(2, STARTING)]);
    putSlice('orders', 'orders-new', [neu(1), neu(2)]);
    await watcher.waitForAddresses(['10.3.0.2:8080', '10.3.1.1:8080', '10.3.1.2:8080']);
    putSlice('orders', 'orders-old', [old(2, TERMINATING)]);
    await watcher.waitForAddresses(['10.3.1.1:8080', '10.3.1.2:8080']);
    cp.harness.delete('endpointslices', ns, 'orders-old');
    // A barrier: a last real change.
    putSlice('orders', 'orders-new', [neu(1), neu(2), neu(3)]);
    await watcher.waitForAddresses(['10.3.1.1:8080', '10.3.1.2:8080', '10.3.1.3:8080']);

    expect(watcher.addressLists().slice(since).map((l) => [...l].sort())).toEqual([
      ['10.3.0.1:8080', '10.3.0.2:8080'],
      ['10.3.0.1:8080', '10.3.0.2:8080', '10.3.1.1:8080'],
      ['10.3.0.2:8080', '10.3.1.1:8080'],
      ['10.3.0.2:8080', '10.3.1.1:8080', '10.3.1.2:8080'],
      ['10.3.1.1:8080', '10.3.1.2:8080'],
      ['10.3.1.1:8080', '10.3.1.2:8080', '10.3.1.3:8080'],
    ]);
    expectNoRepeats(watcher);
  });

  it('serves terminating endpoints only while none is ready', async () => {
    const watcher = await watchFromScratch('drain');
    putService('drain');
    putSlice('drain', 'drain-a', [{ address: '10.4.0.1' }, { address: '10.4.0.2' }]);
    await watcher.waitForAddresses(['10.4.0.1:8080', '10.4.0.2:8080']);
    const since = watcher.updates.length - 1;
    // Scale to zero: both drain, one stops serving.
    putSlice('drain', 'drain-a', [{ address: '10.4.0.1', ...TERMINATING }, { address: '10.4.0.2', ready: false, serving: false, terminating: true }]);
    const draining = await watcher.waitForAddresses(['10.4.0.1:8080']);
    expect(draining.servers[0]!.metadata).toEqual({ terminating: 'true' });
    putSlice('drain', 'drain-b', [{ address: '10.4.1.1' }]);
    await watcher.waitForAddresses(['10.4.1.1:8080']);
    expect(watcher.addressLists().slice(since)).toEqual([['10.4.0.1:8080', '10.4.0.2:8080'], ['10.4.0.1:8080'], ['10.4.1.1:8080']]);
  });

  it('tells an unknown service from one without endpoints, and waits for the Service before publishing slices', async () => {
    putSlice('early', 'early-a', [{ address: '10.5.0.1' }]);
    const watcher = cp.watch({ service: `early.${ns}`, port: 'grpc' });
    await watcher.waitForUpdate((u) => !u.exists, 'an unknown service');
    putService('empty');
    const empty = cp.watch({ service: `empty.${ns}`, port: 'grpc' });
    const update = await empty.waitForUpdate((u) => u.exists, 'an existing service');
    expect(update.servers).toEqual([]);
    putService('early');
    await watcher.waitForAddresses(['10.5.0.1:8080']);
  });

  it('handles a service deleted and re-created', async () => {
    const watcher = await watchFromScratch('billing');
    putService('billing');
    putSlice('billing', 'billing-a', [{ address: '10.6.0.1' }]);
    await watcher.waitForAddresses(['10.6.0.1:8080']);
    const since = watcher.updates.length - 1;
    cp.harness.delete('services', ns, 'billing');
    await watcher.waitForUpdate((u) => !u.exists, 'the service gone');
    cp.harness.delete('endpointslices', ns, 'billing-a');
    putService('billing');
    await watcher.waitForUpdate((u) => u.exists && u.servers.length === 0, 'the service back, empty');
    putSlice('billing', 'billing-b', [{ address: '10.6.0.2' }]);
    await watcher.waitForAddresses(['10.6.0.2:8080']);
    expect(watcher.updates.slice(since).map((u) => [u.exists, u.servers.length])).toEqual([
      [true, 1],
      [false, 0],
      [true, 0],
      [true, 1],
    ]);
    expectNoRepeats(watcher);
  });

  it('publishes the Service family of a dual-stack service and ignores FQDN slices', async () => {
    putService('dual', { ipFamilies: ['IPv6', 'IPv4'] });
    putSlice('dual', 'dual-v4', [{ address: '10.7.0.1' }]);
    putSlice('dual', 'dual-v6', [{ address: '2001:db8::7' }], 'IPv6');
    putSlice('dual', 'dual-fqdn', [{ address: 'backend.example.com' }], 'FQDN');
    const watcher = cp.watch({ service: `dual.${ns}`, port: 'grpc' });
    // The default preference is IPv4, and the Service has IPv4.
    await watcher.waitForAddresses(['10.7.0.1:8080']);
    putService('v6only', { ipFamilies: ['IPv6'] });
    putSlice('v6only', 'v6only-a', [{ address: '2001:db8::8' }], 'IPv6');
    await cp.watch({ service: `v6only.${ns}`, port: 'grpc' }).waitForAddresses(['[2001:db8::8]:8080']);
  });

  it('survives a handler that throws on a malformed object', async () => {
    putService('robust');
    putSlice('robust', 'robust-a', [{ address: '10.8.0.1' }]);
    const watcher = cp.watch({ service: `robust.${ns}`, port: 'grpc' });
    await watcher.waitForAddresses(['10.8.0.1:8080']);
    // `endpoints` must be a list; reading this one throws inside the handler.
    const bad = endpointSlice({ name: 'robust-bad', namespace: ns, service: 'robust', ports: grpcPorts, endpoints: [] });
    cp.harness.apply('endpointslices', { ...bad, endpoints: 5 });
    putSlice('robust', 'robust-b', [{ address: '10.8.0.2' }]);
    await watcher.waitForAddresses(['10.8.0.1:8080', '10.8.0.2:8080']);
  });
});

describe('dual stack with an IPv6 preference', () => {
  it('publishes IPv6 addresses, bracketed', async () => {
    const v6 = await startKubernetesControlPlane({
      source: { ipFamily: 'IPv6' },
      seed: (h) => {
        h.apply('services', service('dual', ns, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { ipFamilies: ['IPv4', 'IPv6'] }));
        h.apply('endpointslices', endpointSlice({ name: 'dual-v4', namespace: ns, service: 'dual', ports: grpcPorts, endpoints: [{ address: '10.7.0.1' }] }));
        h.apply('endpointslices', endpointSlice({ name: 'dual-v6', namespace: ns, service: 'dual', addressType: 'IPv6', ports: grpcPorts, endpoints: [{ address: '2001:db8::7' }] }));
      },
    });
    try {
      await v6.synced();
      const update = await v6.stub.getServers({ service: `dual.${ns}`, port: 'grpc' }, 2_000);
      expect(update.servers.map((s) => s.address)).toEqual(['[2001:db8::7]:8080']);
    } finally {
      await v6.close();
    }
  });
});

describe('pacing of registry writes', () => {
  it('writes a change after a quiet period at once, and gathers a burst into one update', async () => {
    const intervalMs = 1_500;
    // The interval runs on a clock the test advances; each slice event the source reads is counted
    // (its trigger-time annotation gives it an event lag), the signal that the source has handled it.
    const clock = new ManualClock();
    let sliceEvents = 0;
    const paced = await startKubernetesControlPlane({
      source: { minFlushIntervalMs: intervalMs, clock, onEventLag: (resource) => void (resource === 'endpointslices' && sliceEvents++) },
      seed: (h) => {
        h.apply('services', service('paced', ns, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
        h.apply('endpointslices', endpointSlice({ name: 'paced-a', namespace: ns, service: 'paced', ports: grpcPorts, endpoints: [{ address: '127.19.0.1' }] }));
      },
    });
    const put = (slice: string, address: string) => {
      const object = endpointSlice({ name: slice, namespace: ns, service: 'paced', ports: grpcPorts, endpoints: [{ address }] });
      object.metadata.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': new Date().toISOString() };
      paced.harness.apply('endpointslices', object);
    };
    try {
      await paced.synced();
      const watcher = paced.watch({ service: `paced.${ns}`, port: 'grpc' });
      await watcher.waitForAddresses(['127.19.0.1:8080']);
      // Let the interval that the initial sync started run out: the next change is the first after a quiet period.
      clock.advance(intervalMs + 100);
      put('paced-b', '127.19.0.2');
      // At once: written on the next turn, with the clock standing still and no timer set.
      await watcher.waitForAddresses(['127.19.0.1:8080', '127.19.0.2:8080']);
      expect(clock.timers).toBe(0);
      // A burst: three writes, each in a read of its own, inside one interval.
      const before = sliceEvents;
      for (const [index, [slice, address]] of ([['paced-c', '127.19.0.3'], ['paced-d', '127.19.0.4'], ['paced-e', '127.19.0.5']] as const).entries()) {
        put(slice, address);
        await waitFor(`the source to read ${slice}`, () => sliceEvents === before + index + 1);
        clock.advance(30);
      }
      // Held for the interval: one flush is scheduled, and nothing of the burst was written yet.
      expect(clock.timers).toBe(1);
      expect(watcher.addressLists().map((l) => l.length)).toEqual([1, 2]);
      clock.advance(intervalMs);
      await watcher.waitForAddresses(['127.19.0.1:8080', '127.19.0.2:8080', '127.19.0.3:8080', '127.19.0.4:8080', '127.19.0.5:8080']);
      expect(watcher.addressLists().map((l) => l.length)).toEqual([1, 2, 5]);
      expectNoRepeats(watcher);
    } finally {
      await paced.close();
    }
  });
});
