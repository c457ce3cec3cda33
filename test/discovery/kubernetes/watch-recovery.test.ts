// End to end through API-server hiccups: 410 relists, disconnects, stalls,
// 403s. Each test has its own harness and control plane, since the faults
// hit every watch. What is asserted is what a WatchServers client sees: no
// transient shrink, no version bump without a real change, and recovery.

import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { capturedLogger } from '../../support/captured-logger.js';
import { startKubernetesControlPlane, type KubernetesControlPlane, type KubernetesControlPlaneOptions } from '../../support/kubernetes-control-plane.js';
import { endpointSlice, service, type EndpointInput } from '../../support/kubernetes-objects.js';
import type { KubernetesApiHarness } from '../../support/kubernetes-api-harness.js';
import { waitFor } from '../../support/wait-until.js';

const ns = 'default';
const ports = [{ name: 'grpc', port: 8080 }];
const open: KubernetesControlPlane[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((cp) => cp.close()));
});

function seed(h: KubernetesApiHarness) {
  h.apply('services', service('greeter', ns, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
  h.apply('endpointslices', endpointSlice({ name: 'greeter-a', namespace: ns, service: 'greeter', ports, endpoints: [{ address: '10.0.0.1' }, { address: '10.0.0.2' }] }));
  h.apply('endpointslices', endpointSlice({ name: 'greeter-b', namespace: ns, service: 'greeter', ports, endpoints: [{ address: '10.0.0.3' }] }));
}
const initial = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080'];

async function start(options: KubernetesControlPlaneOptions = {}) {
  const cp = await startKubernetesControlPlane({ seed, ...options });
  open.push(cp);
  return cp;
}
function putSlice(cp: KubernetesControlPlane, name: string, endpoints: EndpointInput[]) {
  cp.harness.apply('endpointslices', endpointSlice({ name, namespace: ns, service: 'greeter', ports, endpoints }));
}

describe.each([
  ['an ERROR event', false],
  ['HTTP 410', true],
])('after 410 Gone (%s)', (_label, goneAsHttpStatus) => {
  it('relists without a transient shrink, and bumps nothing when nothing changed', async () => {
    const cp = await start({ harness: { goneAsHttpStatus } });
    await cp.synced();
    const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
    const first = await watcher.waitForAddresses(initial);
    await cp.harness.waitForWatches('endpointslices');
    expect(cp.harness.requestsOf('endpointslices', 'list')).toHaveLength(1);

    // The watches miss a change elsewhere, history is compacted past it, and
    // the watches end: the reconnect gets 410 and relists.
    cp.harness.stallWatches();
    cp.harness.apply('services', service('unrelated', 'elsewhere', [{ port: 80 }]));
    cp.harness.compact();
    cp.harness.closeWatches();
    await cp.harness.waitForWatches('endpointslices');
    await cp.harness.waitForWatches('services');
    expect(cp.harness.requestsOf('endpointslices', 'list')).toHaveLength(2);
    const answer = await cp.stub.getServers({ service: `greeter.${ns}`, port: 'grpc' }, 2_000);
    expect(answer.version).toBe(first.version);

    // While the watch is silent, slice greeter-a is replaced by greeter-c
    // (10.0.0.2 moves) and a pod is added. After the relist the informer
    // reports greeter-a's deletion before greeter-c's addition.
    cp.harness.stallWatches();
    cp.harness.delete('endpointslices', ns, 'greeter-a');
    putSlice(cp, 'greeter-c', [{ address: '10.0.0.1' }, { address: '10.0.0.2' }, { address: '10.0.0.4' }]);
    cp.harness.compact();
    cp.harness.disconnectWatches();
    await watcher.waitForAddresses([...initial, '10.0.0.4:8080']);
    expect(cp.harness.requestsOf('endpointslices', 'list')).toHaveLength(3);
    expect(watcher.addressLists().map((l) => l.length)).toEqual([3, 4]);
  });
});

it('resumes after an abrupt disconnect from its last resourceVersion, without a relist', async () => {
  const cp = await start();
  await cp.synced();
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses(initial);
  await cp.harness.waitForWatches('endpointslices');
  await cp.harness.waitForWatches('nodes');
  // Services, EndpointSlices and Nodes.
  expect(cp.harness.disconnectWatches()).toBe(3);
  // A change made while no watch is open is delivered on the resumed watch.
  putSlice(cp, 'greeter-b', [{ address: '10.0.0.3' }, { address: '10.0.0.5' }]);
  await watcher.waitForAddresses([...initial, '10.0.0.5:8080']);
  await cp.harness.waitForWatches('services');
  expect(cp.harness.requestsOf('endpointslices', 'list')).toHaveLength(1);
  expect(cp.harness.requestsOf('services', 'list')).toHaveLength(1);
  expect(cp.harness.requestsOf('endpointslices', 'watch').length).toBeGreaterThanOrEqual(2);
  expect(watcher.addressLists().map((l) => l.length)).toEqual([3, 4]);
});

it('re-opens a stalled watch and catches up on what it missed', async () => {
  const cp = await start();
  await cp.synced();
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses(initial);
  await cp.harness.waitForWatches('endpointslices');
  expect(cp.harness.stallWatches('endpointslices')).toBe(1);
  putSlice(cp, 'greeter-b', []);
  // The stalled watch never delivers this; the quiet-watch timeout does.
  await watcher.waitForAddresses(['10.0.0.1:8080', '10.0.0.2:8080']);
  expect(cp.harness.requestsOf('endpointslices', 'list')).toHaveLength(1);
  expect(watcher.addressLists().map((l) => l.length)).toEqual([3, 2]);
});

it('after an API-server outage, retries at the short cap for unreachable servers and logs the restore with the changes it applied', async () => {
  const log = capturedLogger();
  // The long cap stays long (a 403 is not hammered); the unreachable cap is short.
  const cp = await start({ logger: log.logger, source: { timing: { restartInitialMs: 20, restartMaxMs: 30_000, connectionRetryMaxMs: 100, restoreSettleMs: 300 } } });
  await cp.synced();
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses(initial);
  await cp.harness.waitForWatches('endpointslices');

  cp.harness.goDown();
  // Long enough for the backoff to reach its cap several times over.
  // Counted for the slices' watch alone: the Services' and Nodes' watches restart alongside.
  await waitFor('ten failed restarts', () => log.lines.filter((l) => /restarting the watch/.test(l.msg) && l.resource === 'endpointslices.discovery.k8s.io').length >= 10);
  putSlice(cp, 'greeter-b', [{ address: '10.0.0.3' }, { address: '10.0.0.7' }]);
  cp.harness.delete('endpointslices', ns, 'greeter-a');
  cp.harness.up();

  await watcher.waitForAddresses(['10.0.0.3:8080', '10.0.0.7:8080']);
  const restored = await log.waitFor((l) => /^watch restored after [\d.]+ s, \d+ changes? applied$/.test(l.msg) && l.resource === 'endpointslices.discovery.k8s.io', 'the endpointslices watch restored');
  expect(restored.level).toBe(30);
  expect(restored.changesApplied).toBe(2);
  expect(restored.outageSeconds).toBeGreaterThan(0);
  const retries = log.lines.filter((l) => /restarting the watch/.test(l.msg)).map((l) => l.retryInMs as number);
  expect(Math.max(...retries)).toBeLessThanOrEqual(100);
  // The watchers never saw the service shrink to nothing meanwhile.
  expect(watcher.addressLists().every((list) => list.length > 0)).toBe(true);
});

it('keeps bookmarked watches open through quiet periods', async () => {
  // Bookmarks every 200 ms, quiet timeout 1 s: no reconnects while quiet.
  const log = capturedLogger();
  const cp = await start({ logger: log.logger });
  await cp.synced();
  await cp.harness.waitForWatches('endpointslices');
  const watchesBefore = cp.harness.requestsOf('endpointslices', 'watch').length;
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses(initial);
  // Quiet for longer than the 1 s quiet-watch timeout: eight bookmarks.
  await waitFor('eight bookmarks', () => cp.harness.bookmarksSent('endpointslices') >= 8);
  putSlice(cp, 'greeter-b', [{ address: '10.0.0.3' }, { address: '10.0.0.6' }]);
  await watcher.waitForAddresses([...initial, '10.0.0.6:8080']);
  expect(cp.harness.requestsOf('endpointslices', 'watch').length).toBe(watchesBefore);
  expect(log.lines.filter((l) => l.level >= 40)).toEqual([]);
});

it('stays NOT_SERVING while forbidden, says which verb and resource are missing, and recovers once allowed', async () => {
  const log = capturedLogger();
  const cp = await start({
    logger: log.logger,
    seed: (h) => {
      seed(h);
      h.forbid('endpointslices', ['list']);
    },
  });
  const line = await log.waitFor((l) => l.level === 50 && /forbidden/.test(l.msg), 'a 403 error log');
  expect(line.msg).toMatch(/may not list endpointslices\.discovery\.k8s\.io at cluster scope/);
  expect(line.msg).toMatch(/deploy\/kubernetes\/base\/cluster-role\.yaml/);
  // Several retries, and still not serving.
  await log.waitFor((l) => l.level === 50 && /forbidden/.test(l.msg) && (l.failures as number) >= 3, 'a third retry');
  expect(cp.controlPlane.registry.synced).toBe(false);
  const error = await cp.stub.getServers({ service: `greeter.${ns}`, port: 'grpc' }, 2_000).then(
    () => undefined,
    (e: ServiceError) => e,
  );
  expect(error?.code).toBe(grpcStatus.UNAVAILABLE);

  cp.harness.allow('endpointslices');
  await cp.synced();
  const answer = await cp.stub.getServers({ service: `greeter.${ns}`, port: 'grpc' }, 2_000);
  expect(answer.servers.map((s) => s.address)).toEqual(initial);
});

it('names the watch verb when only watching is forbidden, and recovers', async () => {
  const log = capturedLogger();
  const cp = await start({ logger: log.logger });
  await cp.synced();
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses(initial);
  cp.harness.forbid('services', ['watch']);
  cp.harness.closeWatches('services');
  const line = await log.waitFor((l) => l.level === 50 && /forbidden/.test(l.msg), 'a 403 error log');
  expect(line.msg).toMatch(/may not watch services at cluster scope/);
  cp.harness.allow('services');
  await cp.harness.waitForWatches('services');
  cp.harness.delete('services', ns, 'greeter');
  await watcher.waitForUpdate((u) => !u.exists, 'the service deleted');
});

it('watches only the configured namespaces', async () => {
  const cp = await start({
    source: { namespaces: ['default', 'team-b'] },
    seed: (h) => {
      seed(h);
      h.apply('services', service('other', 'team-c', [{ name: 'grpc', port: 50051 }]));
      h.apply('services', service('b', 'team-b', [{ name: 'grpc', port: 50051 }]));
    },
  });
  await cp.synced();
  expect([...cp.controlPlane.registry.keys()].sort()).toEqual(['b.team-b', 'greeter.default']);
  expect(cp.harness.requests.every((r) => r.namespace === 'default' || r.namespace === 'team-b')).toBe(true);
});
