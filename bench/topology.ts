// Topology: how many calls leave the caller's zone, and how many fail when
// a zone is drained.
//
//   npx tsx bench/topology.ts [--quick] [--calls 6000] [--concurrency 16]
//
// 3 zones × 10 backends (real grpc-js backends on 127.0.0.1, each answering
// after 1 ms), and callers in every zone, through a real control plane on
// the registry file. Callers, one channel per zone each:
//   zone-blind   lookaside_weighted_round_robin over a Service with no
//                trafficDistribution: what a client gets without topology;
//   lookaside    the lookaside client (its zone from its registration) on the
//                same backends, Service trafficDistribution PreferSameZone;
//   xds          @grpc/grpc-js-xds (its zone from its bootstrap) on the same.
// Cross-zone share: the calls answered by a backend outside the caller's
// zone, over all calls, pooled over the three zones (counted from the
// backends' answers). Then zone-a is drained (its 10 backends stop: calls in
// flight finish, new connections are refused) while each zone-a caller
// keeps --concurrency calls in flight: failed calls are counted.
// Goals: 0 % cross-zone while every zone is healthy; 0 failed calls in the drain.

import { registerLookaside } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileService } from '../test/support/file-control-plane.js';
import { IdentityClient } from '../test/support/identity-backends.js';
import { xdsIdentityClient } from '../test/support/xds-client.js';
import { argument, quick, recordResult } from './support/bench-result.js';
import { keepCallsInFlight, round, startBenchBackend, warmUp, type BenchBackend } from './support/call-load.js';

const ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;
const PER_ZONE = quick ? 4 : 10;
const calls = argument('calls', quick ? 1_500 : 6_000);
const concurrency = argument('concurrency', 16);

const backends = new Map<string, BenchBackend[]>();
const zoneOf = new Map<string, string>();
for (const zone of ZONES) {
  const list = await Promise.all(Array.from({ length: PER_ZONE }, (_, i) => startBenchBackend(`${zone}-${i}`, 1)));
  backends.set(zone, list);
  for (const backend of list) zoneOf.set(backend.name, zone);
}
const all = [...backends.values()].flat();

function service(name: string, preferSameZone: boolean): FileService {
  return {
    name,
    namespace: 'bench',
    ...(preferSameZone && { trafficDistribution: 'PreferSameZone' as const }),
    ports: [{ name: 'grpc', port: 9090, backends: ZONES.flatMap((zone) => backends.get(zone)!.map((b) => ({ address: b.address, zone }))) }],
  };
}
const cp = await startFileControlPlane([service('blind', false), service('close', true)]);
// One registration per caller zone, each on its own scheme: a process is one caller, in one zone.
for (const zone of ZONES) registerLookaside({ controlPlane: cp.address, scheme: `lookaside-${zone}`, startTimeoutMs: 5_000, client: { zone } });

type Mode = 'zone-blind' | 'lookaside' | 'xds';
function caller(mode: Mode, zone: string): IdentityClient {
  if (mode === 'xds') return xdsIdentityClient('close.bench:9090', { controlPlane: cp.address, nodeId: `bench-${zone}`, zone });
  return new IdentityClient(`lookaside-${zone}:///${mode === 'zone-blind' ? 'blind' : 'close'}.bench:grpc`, { 'grpc.use_local_subchannel_pool': 1 });
}

/** Cross-zone share (percent) of `calls` calls per zone, pooled. */
async function crossZone(mode: Mode): Promise<{ percent: number; failed: number }> {
  let total = 0;
  let outside = 0;
  let failed = 0;
  for (const zone of ZONES) {
    const client = caller(mode, zone);
    try {
      // Warm up until every backend of the caller's own zone has answered.
      await warmUp(client, backends.get(zone)!.map((b) => b.name), 20_000);
      const record = await keepCallsInFlight(client, { concurrency, total: calls, maxMs: 120_000 }).done;
      for (const [name, count] of record.counts) {
        total += count;
        if (zoneOf.get(name) !== zone) outside += count;
      }
      failed += record.failed;
    } finally {
      client.close();
    }
  }
  return { percent: total > 0 ? (outside / total) * 100 : NaN, failed };
}

const shares: Record<Mode, { percent: number; failed: number }> = {
  'zone-blind': await crossZone('zone-blind'),
  lookaside: await crossZone('lookaside'),
  xds: await crossZone('xds'),
};

// Drain zone-a under load, one caller of each kind in zone-a.
const drainers = (['lookaside', 'xds'] as const).map((mode) => ({ mode, client: caller(mode, 'zone-a') }));
for (const { client } of drainers) await warmUp(client, backends.get('zone-a')!.map((b) => b.name), 20_000);
const loads = drainers.map(({ client }) => keepCallsInFlight(client, { concurrency, maxMs: 60_000, timeoutMs: 10_000 }));
await new Promise((resolve) => setTimeout(resolve, 500));
await Promise.all(backends.get('zone-a')!.map((b) => b.stop()));
await new Promise((resolve) => setTimeout(resolve, quick ? 1_000 : 3_000));
const drained = await Promise.all(loads.map((load) => load.stop()));
const drain = Object.fromEntries(drainers.map(({ mode }, i) => [mode, { calls: drained[i]!.total, failed: drained[i]!.failed, failures: Object.fromEntries(drained[i]!.failures) }]));
for (const { client } of drainers) client.close();

await recordResult({
  name: 'topology',
  params: { zones: ZONES.length, backendsPerZone: PER_ZONE, callsPerZone: calls, concurrency, backendDelayMs: 1 },
  metrics: {
    crossZonePercentZoneBlind: round(shares['zone-blind'].percent, 2),
    crossZonePercentLookaside: round(shares.lookaside.percent, 2),
    crossZonePercentXds: round(shares.xds.percent, 2),
    failedWhileHealthy: shares['zone-blind'].failed + shares.lookaside.failed + shares.xds.failed,
    drain,
    failedInDrainLookaside: drain.lookaside!.failed,
    failedInDrainXds: drain.xds!.failed,
  },
  goals: [
    { metric: 'crossZonePercentLookaside', op: '<=', limit: 0 },
    { metric: 'crossZonePercentXds', op: '<=', limit: 0 },
    { metric: 'failedInDrainLookaside', op: '<=', limit: 0 },
    { metric: 'failedInDrainXds', op: '<=', limit: 0 },
  ],
  summary: [
    { label: 'cross-zone calls, zone-blind round robin', value: `${round(shares['zone-blind'].percent, 1)}%` },
    { label: 'cross-zone calls, lookaside (PreferSameZone)', value: `${round(shares.lookaside.percent, 2)}%`, goal: '0%', met: shares.lookaside.percent <= 0 },
    { label: 'cross-zone calls, xDS (PreferSameZone)', value: `${round(shares.xds.percent, 2)}%`, goal: '0%', met: shares.xds.percent <= 0 },
    { label: 'failed calls while zone-a drains, lookaside', value: `${drain.lookaside!.failed} of ${drain.lookaside!.calls}`, goal: '0', met: drain.lookaside!.failed === 0 },
    { label: 'failed calls while zone-a drains, xDS', value: `${drain.xds!.failed} of ${drain.xds!.calls}`, goal: '0', met: drain.xds!.failed === 0 },
  ],
});

await cp.close();
await Promise.all(all.map((b) => b.stop()));
// grpc-js-xds keeps its clients for the control plane alive after their channels close.
process.exit(0);
