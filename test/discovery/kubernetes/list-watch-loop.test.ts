// The source's own list/watch loop (informer-supervisor.ts), through the
// real @kubernetes/client-node request API against the API harness: lists
// are read in pages from one snapshot and the watch starts at the first
// page's resourceVersion; an expired continue token starts the list over; a
// watch silent for the quiet timeout is re-opened from its resourceVersion;
// a list page with no answer by its deadline is given up and retried. Time
// that matters runs on an injected clock (KubernetesSourceOptions.watchClock).
// (Metadata-only Pod and Node requests: backend-weights.test.ts.)

import { afterEach, expect, it } from 'vitest';
import { capturedLogger } from '../../support/captured-logger.js';
import { FAST_TIMING, startKubernetesControlPlane, type KubernetesControlPlane, type KubernetesControlPlaneOptions } from '../../support/kubernetes-control-plane.js';
import type { KubernetesApiHarness } from '../../support/kubernetes-api-harness.js';
import { endpointSlice, service } from '../../support/kubernetes-objects.js';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait-until.js';

const ns = 'default';
const ports = [{ name: 'grpc', port: 8080 }];
const open: KubernetesControlPlane[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((cp) => cp.close()));
});

function putSlice(h: KubernetesApiHarness, name: string, addresses: string[]): void {
  h.apply('endpointslices', endpointSlice({ name, namespace: ns, service: 'greeter', ports, endpoints: addresses.map((address) => ({ address })) }));
}

/** greeter with five slices of one endpoint each: three list pages of two. */
function seed(h: KubernetesApiHarness): void {
  h.apply('services', service('greeter', ns, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
  for (let i = 1; i <= 5; i++) putSlice(h, `greeter-${i}`, [`10.0.0.${i}`]);
}
const seeded = [1, 2, 3, 4, 5].map((i) => `10.0.0.${i}:8080`);

async function start(options: KubernetesControlPlaneOptions = {}): Promise<KubernetesControlPlane> {
  const cp = await startKubernetesControlPlane({ seed, ...options });
  open.push(cp);
  return cp;
}

it('lists in pages from one snapshot and watches from the first page\'s resourceVersion', async () => {
  let snapshot: number | undefined;
  const cp = await start({
    source: { listPageSize: 2 },
    seed: (h) => {
      seed(h);
      h.beforeListPage = (resource, query) => {
        if (resource !== 'endpointslices') return;
        if (query.continue === undefined) snapshot = h.resourceVersion;
        // Written while the list is paged through: not in this list's snapshot, so it must come by the watch.
        else if (h.get('endpointslices', ns, 'greeter-late') === undefined) putSlice(h, 'greeter-late', ['10.0.0.9']);
      };
    },
  });
  await cp.synced();
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses([...seeded, '10.0.0.9:8080']);

  const lists = cp.harness.requestsOf('endpointslices', 'list');
  expect(lists.map((r) => r.query.limit)).toEqual(['2', '2', '2']);
  expect(lists[0]!.query.continue).toBeUndefined();
  expect(lists.slice(1).every((r) => r.query.continue !== undefined)).toBe(true);
  const [watch] = cp.harness.requestsOf('endpointslices', 'watch');
  expect(watch!.query.resourceVersion).toBe(String(snapshot));
  expect(watch!.query.allowWatchBookmarks).toBe('true');
});

it('starts a paged list over from its first page when its continue token has expired (410)', async () => {
  const log = capturedLogger();
  let compacted = false;
  const cp = await start({
    logger: log.logger,
    source: { listPageSize: 2 },
    seed: (h) => {
      seed(h);
      h.beforeListPage = (resource, query) => {
        if (resource !== 'endpointslices' || query.continue === undefined || compacted) return;
        compacted = true;
        // History moves on past the list's snapshot and is compacted.
        h.apply('services', service('unrelated', 'elsewhere', [{ port: 80 }]));
        h.compact();
      };
    },
  });
  await cp.synced();
  const answer = await cp.stub.getServers({ service: `greeter.${ns}`, port: 'grpc' }, 2_000);
  expect(answer.servers.map((s) => s.address).sort()).toEqual(seeded);
  // The second page was refused; the list began again and read all three pages.
  expect(cp.harness.requestsOf('endpointslices', 'list').map((r) => r.query.continue === undefined)).toEqual([true, false, true, false, false]);
  expect(log.lines.some((l) => /continue token of a paged list expired \(410 Gone\); listing again from the first page/.test(l.msg))).toBe(true);
  expect(log.lines.filter((l) => l.level >= 40)).toEqual([]);
});

it('re-opens a watch that stayed silent for the quiet timeout, from its last resourceVersion, without a relist', async () => {
  const clock = new ManualClock();
  // No bookmarks: the silence is complete.
  const cp = await start({ harness: { bookmarkIntervalMs: 0 }, source: { watchClock: clock, timing: { watchTimeoutMs: 30_000 } } });
  await cp.synced();
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses(seeded);
  await cp.harness.waitForWatches('endpointslices');
  const [first] = cp.harness.requestsOf('endpointslices', 'watch');

  expect(cp.harness.stallWatches('endpointslices')).toBe(1);
  putSlice(cp.harness, 'greeter-5', ['10.0.0.5', '10.0.0.6']);
  // The stalled watch never delivers the change; its quiet timeout ends it.
  clock.advance(30_000);
  await watcher.waitForAddresses([...seeded, '10.0.0.6:8080']);

  const watches = cp.harness.requestsOf('endpointslices', 'watch');
  expect(watches).toHaveLength(2);
  expect(watches[1]!.query.resourceVersion).toBe(first!.query.resourceVersion);
  expect(cp.harness.requestsOf('endpointslices', 'list')).toHaveLength(1);
  expect(watcher.addressLists().map((l) => l.length)).toEqual([5, 6]);
});

it('gives up on a list page with no answer by its deadline, says so, and lists again', async () => {
  const clock = new ManualClock();
  const log = capturedLogger();
  const cp = await start({
    logger: log.logger,
    source: { watchClock: clock, timing: { listPageTimeoutMs: 10_000 } },
    seed: (h) => {
      seed(h);
      h.stallLists('endpointslices');
    },
  });
  await waitFor('the slices listed', () => cp.harness.requestsOf('endpointslices', 'list').length === 1);
  cp.harness.resumeLists('endpointslices');
  clock.advance(10_000);
  const line = await log.waitFor((l) => l.resource === 'endpointslices.discovery.k8s.io' && /restarting the watch/.test(l.msg), 'the list given up');
  expect(line.msg).toBe('list endpointslices.discovery.k8s.io in all namespaces (cluster scope) failed: no answer within 10000 ms; restarting the watch');
  expect(cp.controlPlane.registry.synced).toBe(false);
  // The restart waits out its backoff (at most restartInitialMs at first) on the same clock.
  expect(line.retryInMs).toBeLessThanOrEqual(FAST_TIMING.restartInitialMs);
  clock.advance(FAST_TIMING.restartInitialMs);
  await cp.synced();
  expect(cp.harness.requestsOf('endpointslices', 'list')).toHaveLength(2);
});

it('skips a watch line that is not an event, says so, and applies the events after it on the same watch', async () => {
  const log = capturedLogger();
  const cp = await start({ logger: log.logger });
  await cp.synced();
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses(seeded);
  await cp.harness.waitForWatches('endpointslices');
  cp.harness.writeRawLine('endpointslices', '{"type":"ADDED","object":{"metadata":');
  cp.harness.writeRawLine('endpointslices', 'not json');
  putSlice(cp.harness, 'greeter-5', ['10.0.0.5', '10.0.0.6']);
  await watcher.waitForAddresses([...seeded, '10.0.0.6:8080']);
  const skipped = log.lines.filter((l) => l.resource === 'endpointslices.discovery.k8s.io' && /skipping a watch line that is not an event/.test(l.msg));
  expect(skipped.map((l) => l.line)).toEqual(['{"type":"ADDED","object":{"metadata":', 'not json']);
  expect(cp.harness.requestsOf('endpointslices', 'watch')).toHaveLength(1);
  expect(log.lines.filter((l) => /restarting the watch|handler threw/.test(l.msg))).toEqual([]);
});
