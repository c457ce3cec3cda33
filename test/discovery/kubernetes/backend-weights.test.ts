// Weights on Kubernetes from annotations, through the API harness and the
// real @kubernetes/client-node: lookaside.dev/weight on Pods (with
// --pod-weights) and on Services (the default of their backends); a bad
// value is logged once with the rule and the backend keeps the default; an
// annotation edit is a weight-only update; the source serves only once the
// pods are listed; each backend says where its weight came from.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { capturedLogger, type CapturedLogger } from '../../support/captured-logger.js';
import { endpointSlice, pod, READY, service } from '../../support/kubernetes-objects.js';
import { startKubernetesControlPlane, type KubernetesControlPlane } from '../../support/kubernetes-control-plane.js';
import { waitFor } from '../../support/wait-until.js';

const NS = 'shop';
let cp: KubernetesControlPlane;
let log: CapturedLogger;

const podWith = (name: string, weight?: string) => pod({ name, namespace: NS, labels: { app: 'cart' }, ip: '10.0.0.1', ...(weight !== undefined && { annotations: { 'lookaside.dev/weight': weight } }) });

beforeAll(async () => {
  log = capturedLogger();
  cp = await startKubernetesControlPlane({
    logger: log.logger,
    source: { podWeights: true },
    seed: (harness) => {
      harness.apply('services', service('cart', NS, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { annotations: { 'lookaside.dev/weight': '50' } }));
      harness.apply(
        'endpointslices',
        endpointSlice({
          name: 'cart-1',
          namespace: NS,
          service: 'cart',
          ports: [{ name: 'grpc', port: 8080 }],
          endpoints: ['a', 'b', 'c', 'd'].map((p, i) => ({ address: `10.0.0.${i + 1}`, ...READY, pod: `cart-${p}` })),
        }),
      );
      harness.apply('pods', podWith('cart-a', '100'));
      harness.apply('pods', podWith('cart-b', '200'));
      harness.apply('pods', podWith('cart-c', 'heavy'));
      harness.apply('pods', podWith('cart-d'));
    },
  });
  await cp.synced();
});
afterAll(() => cp?.close());

async function weights(): Promise<Record<string, [number, string | undefined]>> {
  const update = await cp.stub.getServers({ service: `cart.${NS}`, port: 'grpc' }, 5_000);
  return Object.fromEntries(update.servers.map((s) => [s.metadata.pod!, [s.weight, s.metadata['weight-source']]]));
}

it('takes each backend\'s weight from its pod, else its Service, and says which; a bad value keeps the default and is logged once with the rule', async () => {
  // The very first answer already has the annotated weights: the source synced only after listing pods.
  expect(await weights()).toEqual({ 'cart-a': [100, 'pod'], 'cart-b': [200, 'pod'], 'cart-c': [50, 'service'], 'cart-d': [50, 'service'] });
  const warnings = log.lines.filter((l) => l.level === 40 && /lookaside\.dev\/weight: "heavy" must be an integer from 1 to 10000/.test(l.msg));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.msg).toMatch(/pod shop\/cart-c keeps the default weight/);
  expect(cp.harness.requestsOf('pods', 'list').length).toBeGreaterThan(0);
});

it('reads Pods and Nodes as metadata only (PartialObjectMetadata), and Services and slices whole', async () => {
  await cp.harness.waitForWatches('pods');
  await cp.harness.waitForWatches('nodes');
  const accepts = (resource: 'pods' | 'nodes' | 'services', verb: 'list' | 'watch') => [...new Set(cp.harness.requestsOf(resource, verb).map((r) => r.accept))];
  expect(accepts('pods', 'list')).toEqual(['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json']);
  expect(accepts('pods', 'watch')).toEqual(['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json']);
  expect(accepts('nodes', 'list')).toEqual(['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json']);
  expect(accepts('nodes', 'watch')).toEqual(['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json']);
  expect(accepts('services', 'list').join()).not.toMatch(/PartialObjectMetadata/);
});

it('turns an annotation edit into a weight-only update: same addresses, a new version', async () => {
  const before = await cp.stub.getServers({ service: `cart.${NS}`, port: 'grpc' }, 5_000);
  cp.harness.apply('pods', podWith('cart-d', '400'));
  await waitFor('the new weight is published', async () => (await weights())['cart-d']?.[0] === 400);
  const after = await cp.stub.getServers({ service: `cart.${NS}`, port: 'grpc' }, 5_000);
  expect(after.version).toBeGreaterThan(before.version);
  expect(after.servers.map((s) => s.address)).toEqual(before.servers.map((s) => s.address));
  // The bad value again (a resync) is not logged again.
  cp.harness.apply('pods', { ...podWith('cart-c', 'heavy'), metadata: { ...podWith('cart-c', 'heavy').metadata, labels: { app: 'cart', touched: 'yes' } } });
  // A pod change after it, seen published: pod events are handled in order,
  // so the resync of cart-c has been handled (and logged, if it were) by then.
  cp.harness.apply('pods', podWith('cart-d', '401'));
  await waitFor('the pod change after the resync is published', async () => (await weights())['cart-d']?.[0] === 401);
  expect(log.lines.filter((l) => /"heavy" must be an integer/.test(l.msg))).toHaveLength(1);
});

it('recovers the pod watch after a disconnect and after compaction (410), like the others', async () => {
  await cp.harness.waitForWatches('pods');
  cp.harness.disconnectWatches();
  cp.harness.apply('pods', podWith('cart-a', '300'));
  await waitFor('the change made during the disconnect arrives', async () => (await weights())['cart-a']?.[0] === 300);
  cp.harness.compact();
  cp.harness.closeWatches();
  cp.harness.apply('pods', podWith('cart-a', '7'));
  await waitFor('the change after compaction arrives', async () => (await weights())['cart-a']?.[0] === 7);
});

it('recovers the pod watch after a 403, once the permission is back', async () => {
  cp.harness.forbid('pods');
  cp.harness.closeWatches();
  cp.harness.apply('pods', podWith('cart-b', '9'));
  await waitFor('the watch is refused', () => log.lines.some((l) => /forbidden: this service account may not (list|watch) pods/.test(l.msg)));
  cp.harness.allow('pods');
  await waitFor('the change arrives once allowed', async () => (await weights())['cart-b']?.[0] === 9);
});
