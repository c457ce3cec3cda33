// Heterogeneous backends: one pod has half the capacity of the others.
//
//   npx tsx bench/heterogeneous.ts [--quick] [--load 0.75] [--warm-s 12] [--measure-s 20] [--policies orca,round_robin]
//
// Four backends, each in its own process (bench/support/capacity-backend.ts):
// three serve 8 calls at a time for 50 ms each (160 calls/s), one serves 8
// at a time for 100 ms each (80 calls/s, half the capacity), and every
// answer carries an ORCA load report (qps and utilization over the last
// second). One grpc-js channel sends calls at a fixed rate, --load of the
// total capacity (an open loop: arrivals do not wait for answers), each with
// a 1 s deadline. Per policy, on a fresh channel, in the same run:
//
//   round_robin                 grpc-js's, over a static "ipv4:" list;
//   weighted_round_robin        lookaside's, weights from the control plane:
//                               equal (100), as Kubernetes gives them with no
//                               annotation;
//   weighted_round_robin 2:2:2:1  the same with lookaside.dev/weight set as an
//                               operator who knows the capacities would;
//   least_request               lookaside's (power of two choices);
//   orca                        lookaside_weighted_round_robin {loadReports},
//                               gRFC A58 with its defaults (10 s blackout,
//                               1 s weight update period).
//
// Each policy first sends the load for --warm-s (so A58's blackout has
// passed: its weights are in use from then on), then is measured for
// --measure-s: p50/p99 latency of the calls that succeeded, calls that
// failed (their deadline passed in a queue), and each backend's share. Fair
// share for the slow backend is its capacity's share, 1/7 (14.3 %).

import { registerLookaside } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileService } from '../test/support/file-control-plane.js';
import { IdentityClient } from '../test/support/identity-backends.js';
import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { startCapacityBackend, type CapacityBackend } from './support/capacity-backend.js';
import { round, sendCallsAtRate } from './support/call-load.js';

const load = argument('load', 0.75);
const warmS = argument('warm-s', quick ? 11 : 12);
const measureS = argument('measure-s', quick ? 5 : 20);
const DEADLINE_MS = 1_000;
const FULL = { workers: 8, serviceMs: 50 };
const HALF = { workers: 8, serviceMs: 100 };

const backends: CapacityBackend[] = [];
for (let i = 0; i < 3; i++) backends.push(await startCapacityBackend(`full-${i}`, FULL));
backends.push(await startCapacityBackend('half', HALF));
const totalCapacity = backends.reduce((sum, b) => sum + b.capacityPerSecond, 0);
const perSecond = Math.round(totalCapacity * load);

function fileService(name: string, weights?: readonly number[]): FileService {
  return { name, namespace: 'bench', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ address: b.address, ...(weights && { weight: weights[i]! }) })) }] };
}
const capacityWeights = backends.map((b) => b.capacityPerSecond);
const cp = await startFileControlPlane([fileService('equal'), fileService('annotated', capacityWeights)]);
registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });

const POLICIES = {
  round_robin: { target: `ipv4:${backends.map((b) => b.address).join(',')}`, config: { round_robin: {} } },
  weighted_round_robin: { target: 'lookaside:///equal.bench:grpc', config: { lookaside_weighted_round_robin: {} } },
  'weighted_round_robin 2:2:2:1': { target: 'lookaside:///annotated.bench:grpc', config: { lookaside_weighted_round_robin: {} } },
  least_request: { target: 'lookaside:///equal.bench:grpc', config: { lookaside_least_request: {} } },
  orca: { target: 'lookaside:///equal.bench:grpc', config: { lookaside_weighted_round_robin: { loadReports: {} } } },
} as const;
type Policy = keyof typeof POLICIES;

interface PolicyResult {
  p50Ms: number;
  p99Ms: number;
  calls: number;
  failed: number;
  failedPercent: number;
  /** Percent of the answered calls, per backend. */
  shares: Record<string, number>;
  failures: Record<string, number>;
}

async function runPolicy(policy: Policy): Promise<PolicyResult> {
  const { target, config } = POLICIES[policy];
  const client = new IdentityClient(target, { 'grpc.use_local_subchannel_pool': 1, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [config] }) });
  try {
    await sendCallsAtRate(client, { perSecond, durationMs: warmS * 1000, timeoutMs: DEADLINE_MS });
    const record = await sendCallsAtRate(client, { perSecond, durationMs: measureS * 1000, timeoutMs: DEADLINE_MS });
    const answered = record.total - record.failed;
    const shares: Record<string, number> = {};
    for (const b of backends) shares[b.name] = round(((record.counts.get(b.name) ?? 0) / Math.max(1, answered)) * 100, 1);
    return {
      p50Ms: round(percentile(record.latenciesMs, 50), 1),
      p99Ms: round(percentile(record.latenciesMs, 99), 1),
      calls: record.total,
      failed: record.failed,
      failedPercent: round((record.failed / record.total) * 100, 2),
      shares,
      failures: Object.fromEntries(record.failures),
    };
  } finally {
    client.close();
    // Let the slow backend's queue of abandoned calls drain before the next policy.
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS + 500));
  }
}

// --policies a,b runs only those, in that order (all by default).
const policyArgument = process.argv.indexOf('--policies');
const policies = (policyArgument < 0 ? Object.keys(POLICIES) : process.argv[policyArgument + 1]!.split(',')) as Policy[];
for (const p of policies) if (!(p in POLICIES)) throw new Error(`--policies: unknown policy "${p}"; the policies are: ${Object.keys(POLICIES).join(', ')}`);

const metrics: Record<string, PolicyResult> = {};
try {
  console.log(`${perSecond} calls/s (${load} of ${totalCapacity}), warm ${warmS} s, measured ${measureS} s`);
  for (const policy of policies) {
    const result = await runPolicy(policy);
    metrics[policy] = result;
    const shares = Object.values(result.shares).map((s) => s.toFixed(1).padStart(5)).join(' ');
    console.log(`${policy.padEnd(30)} shares% [${shares}]  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  failed ${result.failed}/${result.calls}`);
  }
} finally {
  await cp.close();
  for (const b of backends) b.kill();
}

const fairHalfShare = round((backends.at(-1)!.capacityPerSecond / totalCapacity) * 100, 1);
const summary = policies.map((policy) => {
  const r = metrics[policy]!;
  return { label: `half-capacity backend, ${policy}: its share, p50 / p99, failed`, value: `${r.shares.half!.toFixed(1)}% (fair ${fairHalfShare}%), ${r.p50Ms.toFixed(1)} / ${r.p99Ms.toFixed(1)} ms, ${r.failedPercent}%` };
});
await recordResult({
  name: 'heterogeneous',
  params: {
    backends: '3 × (8 workers × 50 ms = 160 calls/s) + 1 × (8 workers × 100 ms = 80 calls/s), a process each, ORCA qps + application_utilization over the last second in every answer',
    callsPerSecond: perSecond,
    load: `${load} of the total capacity (${totalCapacity} calls/s), open loop from one channel`,
    deadlineMs: DEADLINE_MS,
    warmS,
    measureS,
    fairShareOfHalfBackend: fairHalfShare,
    weightedRoundRobinAnnotated: `lookaside.dev/weight ${capacityWeights.join(':')}`,
    orca: 'lookaside_weighted_round_robin {loadReports: {}}: A58 defaults (blackout 10 s, expiration 3 min, update 1 s, error penalty 1.0)',
  },
  metrics,
  summary,
});
process.exit(0);
