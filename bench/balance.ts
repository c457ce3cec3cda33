// Balance: how one channel's calls spread over local backends, per policy.
//
//   npx tsx bench/balance.ts [--quick] [--calls 10000] [--concurrency 32] [--delay-ms 5]
//
// Policies, each on its own fresh channel:
//   pick_first      an "ipv4:" list of the backends: one connection, as an L4
//                   balancer (kube-proxy, an NLB) gives a client;
//   round_robin     grpc-js's, over the same static "ipv4:" list;
//   lookaside_weighted_round_robin, lookaside_least_request
//                   "lookaside:///…" through a real control plane on the
//                   file source (weights come from the registry file).
// Cases:
//   equal     10 backends, equal weights;
//   weighted  4 backends with weights 1:2:3:4 (100, 200, 300, 400);
//   slow      10 backends, equal weights, backend-0 answers 10× slower.
//             backend-0 is the first address, so pick_first is the client
//             whose connection an L4 balancer put on the slow pod.
// Every backend answers after --delay-ms (the slow one after 10× that);
// --concurrency calls are kept in flight, so a slow backend holds calls and
// least request can see it. Shares are counted by the backends themselves;
// fair share is the backend's weight over the total; latency is per call,
// measured by the client.

import { registerLookaside } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileService } from '../test/support/file-control-plane.js';
import { IdentityClient } from '../test/support/identity-backends.js';
import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { keepCallsInFlight, round, startBenchBackend, warmUp, type BenchBackend } from './support/call-load.js';

const calls = argument('calls', quick ? 2_000 : 10_000);
const concurrency = argument('concurrency', 32);
const delayMs = argument('delay-ms', 5);
const SLOW_FACTOR = 10;

const POLICIES = ['pick_first', 'round_robin', 'lookaside_weighted_round_robin', 'lookaside_least_request'] as const;
type Policy = (typeof POLICIES)[number];

const backends: BenchBackend[] = [];
for (let i = 0; i < 10; i++) backends.push(await startBenchBackend(`backend-${i}`, delayMs));
const four = backends.slice(0, 4);

function fileService(name: string, list: readonly BenchBackend[], weights?: readonly number[]): FileService {
  return { name, namespace: 'bench', ports: [{ name: 'grpc', port: 8080, backends: list.map((b, i) => ({ address: b.address, ...(weights && { weight: weights[i]! }) })) }] };
}
const cp = await startFileControlPlane([fileService('ten', backends), fileService('four', four, [100, 200, 300, 400])]);
registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });

function channelFor(policy: Policy, service: 'ten' | 'four', list: readonly BenchBackend[]): IdentityClient {
  const options = { 'grpc.use_local_subchannel_pool': 1 };
  if (policy === 'pick_first' || policy === 'round_robin') {
    const target = `ipv4:${list.map((b) => b.address).join(',')}`;
    return new IdentityClient(target, { ...options, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [policy]: {} }] }) });
  }
  return new IdentityClient(`lookaside:///${service}.bench:grpc`, { ...options, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [policy]: {} }] }) });
}

interface CaseResult {
  /** Percent of calls per backend. */
  shares: Record<string, number>;
  /** Largest |share - fair share| over the backends, in percentage points. */
  maxDeviationPts: number;
  p50Ms: number;
  p99Ms: number;
  callsPerSecond: number;
  failed: number;
}

async function runCase(policy: Policy, service: 'ten' | 'four', list: readonly BenchBackend[], weights: readonly number[]): Promise<CaseResult> {
  const client = channelFor(policy, service, list);
  try {
    if (policy === 'pick_first') await client.spread(50, 4);
    else await warmUp(client, list.map((b) => b.name));
    const before = list.map((b) => b.calls);
    const started = performance.now();
    const run = keepCallsInFlight(client, { concurrency, total: calls, maxMs: 120_000 });
    const record = await run.done;
    const seconds = (performance.now() - started) / 1000;
    const received = list.map((b, i) => b.calls - before[i]!);
    const sum = received.reduce((a, b) => a + b, 0);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const shares: Record<string, number> = {};
    let maxDeviationPts = 0;
    list.forEach((b, i) => {
      const share = (received[i]! / sum) * 100;
      shares[b.name] = round(share, 2);
      maxDeviationPts = Math.max(maxDeviationPts, Math.abs(share - (weights[i]! / weightSum) * 100));
    });
    return {
      shares,
      maxDeviationPts: round(maxDeviationPts, 2),
      p50Ms: round(percentile(record.latenciesMs, 50), 2),
      p99Ms: round(percentile(record.latenciesMs, 99), 2),
      callsPerSecond: Math.round(record.total / seconds),
      failed: record.failed,
    };
  } finally {
    client.close();
  }
}

const CASES = [
  { name: 'equal', service: 'ten', list: backends, weights: backends.map(() => 1), slow: false },
  { name: 'weighted', service: 'four', list: four, weights: [1, 2, 3, 4], slow: false },
  { name: 'slow', service: 'ten', list: backends, weights: backends.map(() => 1), slow: true },
] as const;

const metrics: Record<string, Record<string, CaseResult>> = {};
try {
  for (const c of CASES) {
    backends[0]!.delayMs = c.slow ? delayMs * SLOW_FACTOR : delayMs;
    metrics[c.name] = {};
    for (const policy of POLICIES) {
      const result = await runCase(policy, c.service, c.list, c.weights);
      metrics[c.name]![policy] = result;
      const shares = Object.values(result.shares).map((s) => s.toFixed(1).padStart(5)).join(' ');
      console.log(`${c.name.padEnd(8)} ${policy.padEnd(31)} shares% [${shares}]  max dev ${result.maxDeviationPts.toFixed(2)} pts  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  ${result.callsPerSecond}/s${result.failed ? `  FAILED ${result.failed}` : ''}`);
    }
  }
} finally {
  backends[0]!.delayMs = delayMs;
  await cp.close();
  for (const b of backends) b.kill();
}

const m = (c: string, p: Policy) => metrics[c]![p]!;
const slowShare = (p: Policy) => m('slow', p).shares['backend-0']!;
const summary = [
  ...POLICIES.map((p) => ({ label: `10 equal backends, ${p}: max deviation, p99`, value: `${m('equal', p).maxDeviationPts.toFixed(1)} pts, ${m('equal', p).p99Ms.toFixed(1)} ms` })),
  ...POLICIES.filter((p) => p !== 'pick_first').map((p) => ({ label: `weights 1:2:3:4, ${p}: max deviation`, value: `${m('weighted', p).maxDeviationPts.toFixed(1)} pts` })),
  ...POLICIES.filter((p) => p !== 'pick_first').map((p) => ({ label: `one backend 10× slower, ${p}: its share, p99`, value: `${slowShare(p).toFixed(1)}%, ${m('slow', p).p99Ms.toFixed(1)} ms` })),
];
await recordResult({
  name: 'balance',
  params: {
    calls,
    concurrency,
    backendDelayMs: delayMs,
    slowBackendDelayMs: delayMs * SLOW_FACTOR,
    backends: 10,
    weightedCase: '4 backends, weights 100:200:300:400 (1:2:3:4)',
    slowCase: 'backend-0 (first address, where pick_first connects) answers 10× slower',
    channels: 'one fresh channel per policy and case, local subchannel pool; warm-up until every backend answered (pick_first: 50 calls)',
    lookaside: 'real control plane on the file source; default service config merged with the policy',
  },
  metrics,
  summary,
});
process.exit(0);
