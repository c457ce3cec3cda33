// GRPCRoute routing, in one run.
//
//   npx tsx bench/routing.ts [--quick] [--changes 20] [--calls 4000]
//
// 1. Route change → new split at the clients. One control plane (fed by
//    hand), greeter.bench and greeter-v2.bench, one backend each, and a
//    lookaside channel and a grpc-js-xds channel calling greeter.bench
//    without pause, 8 calls in flight each. Each change flips a route
//    between "every call to greeter" and "every call to greeter-v2"; the
//    time is from the registry write to the first call that lands on the
//    new target, per client kind (p50, p99 over --changes flips).
// 2. Per-call cost of routing in the Node client: --calls calls, 16 in
//    flight, on an unrouted lookaside channel to greeter.bench and on a
//    routed one (a route whose one rule, matching the method and a header
//    both, sends every call to greeter.bench itself), alternating
//    unrouted/routed 7 times in the same run; the ratio of their wall times
//    is taken per adjacent pair and its median reported (the machine is
//    shared: a pair sees the same load), against a goal of at most 1.2.

import { Metadata } from '@grpc/grpc-js';
import { registerLookaside } from 'grpc-lookaside-client';
import type { RouteSource } from '../src/registry/route-spec.js';
import type { ServiceSpec } from '../src/registry/snapshot.js';
import { IdentityClient, startIdentityBackend, type IdentityBackend } from '../test/support/identity-backends.js';
import { xdsIdentityClient } from '../test/support/xds-client.js';
import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { startBenchControlPlane } from './support/bench-control-plane.js';
import { round } from './support/call-load.js';

const changes = argument('changes', quick ? 6 : 20);
const calls = argument('calls', quick ? 1_000 : 4_000);
const COST_GOAL = 1.2;

const backends: IdentityBackend[] = [await startIdentityBackend('greeter'), await startIdentityBackend('greeter-v2')];
const service = (name: string, backend: IdentityBackend): ServiceSpec => ({ name, namespace: 'bench', ports: [{ name: '', port: 8080, backends: [{ host: '127.0.0.1', port: backend.port }] }] });
const controlPlane = await startBenchControlPlane([service('greeter', backends[0]!), service('greeter-v2', backends[1]!), service('routed', backends[0]!)]);
const address = `127.0.0.1:${controlPlane.port}`;
registerLookaside({ controlPlane: address, startTimeoutMs: 5_000 });

const routeTo = (parent: string, target: string, matches: unknown[] = []): RouteSource => ({
  name: `${parent}-route`,
  namespace: 'bench',
  generation: 1,
  age: 0,
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: parent }],
    hostnames: [],
    rules: [{ matches: matches as never, filterTypes: [], backendRefs: [{ group: '', kind: 'Service', name: target, port: 8080, weight: 1, filterTypes: [] }] }],
  },
});

// ---- 1. route change → new split ----------------------------------------------

/** Calls without pause, 8 in flight; resolves `next(name)` at the first answer from `name`. */
function caller(client: IdentityClient) {
  let waiting: { name: string; resolve: (at: number) => void } | undefined;
  let running = true;
  let failures = 0;
  const worker = async () => {
    while (running) {
      const name = await client.who({ timeoutMs: 5_000 }).catch(() => {
        failures += 1;
        return '';
      });
      if (waiting && name === waiting.name) {
        waiting.resolve(performance.now());
        waiting = undefined;
      }
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  return {
    next: (name: string) => new Promise<number>((resolve) => (waiting = { name, resolve })),
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return failures;
    },
  };
}

const lookasideClient = new IdentityClient('lookaside:///greeter.bench:8080');
const xdsClient = xdsIdentityClient('greeter.bench:8080', { controlPlane: address, nodeId: 'bench-routing' });
for (const client of [lookasideClient, xdsClient]) await client.who({ timeoutMs: 10_000, waitForReady: true });
const callers = { lookaside: caller(lookasideClient), xds: caller(xdsClient) };
const latency: Record<'lookaside' | 'xds', number[]> = { lookaside: [], xds: [] };
for (let i = 0; i < changes; i++) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const target = i % 2 === 0 ? 'greeter-v2' : 'greeter';
  const arrived = [callers.lookaside.next(`${target}`), callers.xds.next(`${target}`)];
  const writtenAt = performance.now();
  controlPlane.registry.routes.replaceAll([routeTo('greeter', target)], []);
  const [lookasideAt, xdsAt] = await Promise.all(arrived);
  latency.lookaside.push(lookasideAt! - writtenAt);
  latency.xds.push(xdsAt! - writtenAt);
}
const failures = { lookaside: await callers.lookaside.stop(), xds: await callers.xds.stop() };
lookasideClient.close();
xdsClient.close();
controlPlane.registry.routes.replaceAll([], []);

// ---- 2. per-call cost -------------------------------------------------------------

const unrouted = new IdentityClient('lookaside:///greeter.bench:8080');
const routed = new IdentityClient('lookaside:///routed.bench:8080');
controlPlane.registry.routes.replaceAll([routeTo('routed', 'greeter', [{ method: { type: 'Exact', service: 'lookaside.test.Identity', method: 'Who' }, headers: [{ type: 'Exact', name: 'x-bench', value: 'yes' }] }])], []);

async function timeCalls(client: IdentityClient): Promise<number> {
  const metadata = new Metadata();
  metadata.set('x-bench', 'yes');
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < calls) {
      next += 1;
      await new Promise<void>((resolve, reject) => client.raw.Who({}, metadata, { deadline: Date.now() + 10_000 }, (error) => (error ? reject(error) : resolve())));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return performance.now() - started;
}

// Warm both (connections, JIT), and check the routed one really routes to greeter.
for (const client of [unrouted, routed]) await timeCalls(client);
const times: Record<'unrouted' | 'routed', number[]> = { unrouted: [], routed: [] };
for (let trial = 0; trial < 7; trial++) {
  times.unrouted.push(await timeCalls(unrouted));
  times.routed.push(await timeCalls(routed));
}
unrouted.close();
routed.close();
await controlPlane.stop(1_000);
await Promise.all(backends.map((b) => b.stop()));

const median = (values: number[]) => percentile(values, 50);
const perCallUs = (ms: number) => round((ms * 1_000) / calls, 1);
const pairRatios = times.routed.map((routedMs, i) => routedMs / times.unrouted[i]!);
const costRatio = round(median(pairRatios), 3);
const p = (kind: 'lookaside' | 'xds', q: number) => round(percentile(latency[kind], q), 1);

await recordResult({
  name: 'routing',
  params: { changes, calls, callsInFlight: { propagation: 8, cost: 16 } },
  metrics: {
    routeChangeMs: { lookaside: latency.lookaside.map((v) => round(v, 2)), xds: latency.xds.map((v) => round(v, 2)) },
    lookasideP50Ms: p('lookaside', 50),
    lookasideP99Ms: p('lookaside', 99),
    xdsP50Ms: p('xds', 50),
    xdsP99Ms: p('xds', 99),
    failedCallsDuringChanges: failures,
    unroutedMs: times.unrouted.map((v) => round(v, 1)),
    routedMs: times.routed.map((v) => round(v, 1)),
    routedToUnroutedPerPair: pairRatios.map((v) => round(v, 3)),
    routedToUnrouted: costRatio,
  },
  goals: [{ metric: 'routedToUnrouted', op: '<=', limit: COST_GOAL }],
  summary: [
    { label: `route change → first call on the new target, lookaside channel, p50 / p99 over ${changes} changes`, value: `${p('lookaside', 50)} / ${p('lookaside', 99)} ms` },
    { label: 'same changes, grpc-js-xds channel, p50 / p99', value: `${p('xds', 50)} / ${p('xds', 99)} ms` },
    { label: 'calls failed while routes changed, lookaside / xDS', value: `${failures.lookaside} / ${failures.xds}` },
    { label: `Node client, ${calls} calls (16 in flight): per call, unrouted / routed (method + header match), median of 7`, value: `${perCallUs(median(times.unrouted))} / ${perCallUs(median(times.routed))} µs` },
    { label: 'routed over unrouted wall time, median of 7 adjacent pairs, same run', value: String(costRatio), goal: `≤ ${COST_GOAL}`, met: costRatio <= COST_GOAL },
  ],
});
process.exit(0);
