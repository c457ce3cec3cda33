// How long the Kubernetes source takes to sync a large cluster, and how much
// memory it needs: 100,000 endpoints across 10,000 Services (one
// EndpointSlice of 10 endpoints each), served by the list/watch harness.
//
//   npx tsx bench/registry-scale.ts [--quick] [--size 100000] [--pod-weights]
//
// With --pod-weights, every endpoint also has its Pod (with a
// lookaside.dev/weight annotation) and the source watches Pods for their
// weights: the same measurements, recorded as registry-scale-pod-weights,
// show what the Pod watch costs at 100,000 pods.
//
// The harness runs in a child process (this same file, with --harness), so
// the RSS measured here is the control plane's own: the registry, the
// Kubernetes source, client-node's informer caches and the decoded lists.
// Time to first sync runs from source.start() to registry.markSynced().
//
// `npm run bench` runs it as compiled JavaScript on plain node with the
// production V8 flags (bench/support/production-flags.ts), as the control
// plane runs; under tsx, RSS is higher by tsx's own footprint. The RSS before
// start (client-node loaded, nothing listed) is the baseline in the same
// process.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from '../src/registry/registry.js';
import { KubernetesApiHarness } from '../test/support/kubernetes-api-harness.js';
import { endpointSlice, pod, service } from '../test/support/kubernetes-objects.js';
import { argument, quick, recordResult } from './support/bench-result.js';

const ENDPOINTS_PER_SERVICE = 10;
const GOALS = { timeToSyncMs: 5_000, peakRssMb: 300 };

const size = argument('size', quick ? 10_000 : 100_000);
if (!Number.isInteger(size) || size < ENDPOINTS_PER_SERVICE) throw new Error(`--size must be a whole number of endpoints, at least ${ENDPOINTS_PER_SERVICE}`);
const services = Math.floor(size / ENDPOINTS_PER_SERVICE);
const podWeights = process.argv.includes('--pod-weights');

async function runHarness(): Promise<void> {
  const harness = await KubernetesApiHarness.start();
  for (let s = 0; s < services; s++) {
    const name = `svc-${s}`;
    const namespace = `ns-${s % 50}`;
    harness.apply('services', service(name, namespace, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
    const endpoints = [];
    for (let e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
      const n = s * ENDPOINTS_PER_SERVICE + e;
      endpoints.push({ address: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, zone: `zone-${n % 3}`, node: `node-${n % 200}`, pod: `${name}-pod-${e}` });
      if (podWeights) harness.apply('pods', pod({ name: `${name}-pod-${e}`, namespace, labels: { app: name }, ip: endpoints.at(-1)!.address, annotations: { 'lookaside.dev/weight': String(1 + (n % 100)) } }));
    }
    harness.apply('endpointslices', endpointSlice({ name: `${name}-abcde`, namespace, service: name, ports: [{ name: 'grpc', port: 8080 }], endpoints }));
  }
  process.send!({ url: harness.url });
  process.on('disconnect', () => void harness.close().then(() => process.exit(0)));
}

async function startHarnessChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--harness', '--size', String(size), ...(podWeights ? ['--pod-weights'] : [])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`the harness exited with ${code}`)));
  });
  return { child, url };
}

async function main(): Promise<void> {
  const { child, url } = await startHarnessChild();
  const { createKubernetesSource } = await import('../src/discovery/kubernetes/kubernetes-source.js');
  const { harnessKubeConfig } = await import('../test/support/kubernetes-control-plane.js');
  const registry = new Registry();
  const source = createKubernetesSource({ registry, logger: pino({ level: 'silent' }), kubeConfig: harnessKubeConfig(url), podWeights });
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const synced = new Promise<void>((resolve) => registry.onSynced(resolve));
  await source.start();
  await synced;
  const timeToSyncMs = performance.now() - started;
  const stats = registry.stats();
  global.gc?.();
  const memory = process.memoryUsage();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await source.stop();
  child.disconnect();

  const metrics = {
    timeToSyncMs: Math.round(timeToSyncMs),
    peakRssMb: Math.round(peakRssMb),
    rssAfterSyncMb: Math.round(memory.rss / 2 ** 20),
    heapUsedAfterSyncMb: Math.round(memory.heapUsed / 2 ** 20),
    rssBeforeStartMb: Math.round(rssBeforeMb),
    services: stats.services,
    backends: stats.backends,
  };
  if (stats.backends !== services * ENDPOINTS_PER_SERVICE) throw new Error(`synced ${stats.backends} backends, expected ${services * ENDPOINTS_PER_SERVICE}`);
  await recordResult({
    name: podWeights ? 'registry-scale-pod-weights' : 'registry-scale',
    params: { endpoints: services * ENDPOINTS_PER_SERVICE, services, endpointsPerService: ENDPOINTS_PER_SERVICE, slicesPerService: 1, harness: 'child process, not counted', podWeights, pods: podWeights ? services * ENDPOINTS_PER_SERVICE : 0 },
    metrics,
    // The goals are the base case's; with --pod-weights the same numbers are a measurement of what the Pod watch adds.
    goals: podWeights
      ? []
      : [
          { metric: 'timeToSyncMs', op: '<=', limit: GOALS.timeToSyncMs },
          { metric: 'peakRssMb', op: '<=', limit: GOALS.peakRssMb },
        ],
    summary: [
      {
        label: `time to first sync, ${metrics.backends} endpoints in ${metrics.services} services${podWeights ? `, with ${metrics.backends} annotated pods (--pod-weights)` : ''}`,
        value: `${metrics.timeToSyncMs} ms`,
        ...(!podWeights && { goal: `≤ ${GOALS.timeToSyncMs} ms`, met: metrics.timeToSyncMs <= GOALS.timeToSyncMs }),
      },
      { label: `peak RSS of the control plane${podWeights ? ' (--pod-weights)' : ''}`, value: `${metrics.peakRssMb} MiB`, ...(!podWeights && { goal: `≤ ${GOALS.peakRssMb} MB`, met: metrics.peakRssMb <= GOALS.peakRssMb }) },
      { label: 'RSS before start (client-node loaded) → after sync', value: `${metrics.rssBeforeStartMb} MiB → ${metrics.rssAfterSyncMb} MiB (heap ${metrics.heapUsedAfterSyncMb} MiB)` },
    ],
  });
}

if (process.argv.includes('--harness')) await runHarness();
else await main();
