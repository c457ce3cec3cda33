// Slow start: a new pod joins a loaded service, with and without a ramp.
//
//   npx tsx bench/slow-start.ts [--quick] [--window-s 20] [--observe-s 30]
//
// A Service on the Kubernetes source (the list/watch harness, real
// client-node) with 4 warm backends answering after 5 ms, under steady load
// through a real lookaside channel (32 calls in flight). Then a fifth pod
// becomes ready; it is cold: its first answers take 60 ms, falling linearly
// to the warm 5 ms over its first --window-s seconds (a cache filling, a JIT
// warming). Measured over the --observe-s seconds after it became ready, in
// the same run, once with the Service's lookaside.dev/slow-start set to
// --window-s and once without: the new pod's share of the calls, and the
// p50/p99 latency of all calls. Slow start should hand the cold pod less
// while it is slow, and so cut the tail.

import { registerLookaside } from 'grpc-lookaside-client';
import { IdentityClient } from '../test/support/identity-backends.js';
import { endpointSlice, READY, service } from '../test/support/kubernetes-objects.js';
import { startKubernetesControlPlane } from '../test/support/kubernetes-control-plane.js';
import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { keepCallsInFlight, round, startBenchBackend, warmUp, type BenchBackend } from './support/call-load.js';

const windowS = argument('window-s', quick ? 6 : 20);
const observeS = argument('observe-s', quick ? 8 : 30);
const WARM_MS = 5;
const COLD_MS = 60;
const NS = 'bench';

async function run(slowStart: boolean, scheme: string): Promise<{ newPodShare: number; p50: number; p99: number; failed: number; calls: number }> {
  const warm: BenchBackend[] = [];
  for (let i = 0; i < 4; i++) warm.push(await startBenchBackend(`warm-${i}`, WARM_MS));
  const cold = await startBenchBackend('new-pod', COLD_MS);
  const all = [...warm, cold];
  const portOf = (b: BenchBackend) => Number(b.address.split(':')[1]);
  const sliceOf = (b: BenchBackend, i: number) =>
    endpointSlice({ name: `cart-${i}`, namespace: NS, service: 'cart', ports: [{ name: 'grpc', port: portOf(b) }], endpoints: [{ address: '127.0.0.1', ...READY, pod: b.name }] });
  const cp = await startKubernetesControlPlane({
    seed: (harness) => {
      harness.apply('services', service('cart', NS, [{ name: 'grpc', port: 50051, targetPort: 'grpc' }], slowStart ? { annotations: { 'lookaside.dev/slow-start': `${windowS}s` } } : {}));
      warm.forEach((b, i) => harness.apply('endpointslices', sliceOf(b, i)));
    },
  });
  await cp.synced();
  registerLookaside({ controlPlane: `127.0.0.1:${cp.controlPlane.port}`, scheme, startTimeoutMs: 5_000 });
  const client = new IdentityClient(`${scheme}:///cart.${NS}:grpc`, { 'grpc.use_local_subchannel_pool': 1 });
  await warmUp(client, warm.map((b) => b.name));
  const load = keepCallsInFlight(client, { concurrency: 32, maxMs: (observeS + 5) * 1_000 });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  // The new pod becomes ready, cold; it warms over the window.
  const callsBefore = load.record.total;
  const latenciesBefore = load.record.latenciesMs.length;
  const readyAt = performance.now();
  cp.harness.apply('endpointslices', sliceOf(cold, 4));
  const warming = setInterval(() => {
    const t = Math.min(1, (performance.now() - readyAt) / (windowS * 1_000));
    cold.delayMs = Math.round(COLD_MS - (COLD_MS - WARM_MS) * t);
  }, 100);
  const coldBefore = cold.calls;
  await new Promise((resolve) => setTimeout(resolve, observeS * 1_000));
  const record = await load.stop();
  clearInterval(warming);
  const latencies = record.latenciesMs.slice(latenciesBefore);
  const calls = record.total - callsBefore;
  const result = { newPodShare: round(((cold.calls - coldBefore) / calls) * 100, 1), p50: round(percentile(latencies, 50), 1), p99: round(percentile(latencies, 99), 1), failed: record.failed, calls };
  client.close();
  await cp.close();
  await Promise.all(all.map((b) => b.stop()));
  return result;
}

const without = await run(false, 'lookaside-plain');
const withRamp = await run(true, 'lookaside-ramp');

await recordResult({
  name: 'slow-start',
  params: { warmBackends: 4, warmMs: WARM_MS, coldMs: COLD_MS, windowS, observeS, concurrency: 32 },
  metrics: { without, withSlowStart: withRamp },
  summary: [
    { label: `new pod's share of calls in its first ${observeS} s, without / with slow start (fair share 20%)`, value: `${without.newPodShare}% / ${withRamp.newPodShare}%` },
    { label: 'all calls meanwhile, p50 / p99, without slow start', value: `${without.p50} / ${without.p99} ms` },
    { label: `all calls meanwhile, p50 / p99, with slow start (${windowS} s)`, value: `${withRamp.p50} / ${withRamp.p99} ms` },
    { label: 'failed calls, without / with', value: `${without.failed} / ${withRamp.failed}` },
  ],
});
// client-node's informers and grpc-js timers are closed; exit in case a socket lingers.
process.exit(0);
