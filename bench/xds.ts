// The xDS face beside lookaside.v1, in one run.
//
//   npx tsx bench/xds.ts [--quick] [--subscribers 1000] [--changes 40] [--idle 10000]
//
// 1. Propagation. One control plane; in the same run, --subscribers
//    lookaside.v1 watchers (the client package's stub on grpc-js) and as
//    many xDS subscribers (grpc-js, decoding every response down to its
//    resources and ACKing it, as proxyless clients do), each kind in its own
//    two fleet processes, 100 streams per connection, all on busy.default
//    (10 backends). Each change rewrites the service's weights once; both
//    kinds receive that same change. Measured per change, from the registry
//    write to the LAST watcher / subscriber of each kind holding it; every
//    change of every trial pooled (p50, p99), and the xDS p99 as a ratio to
//    the lookaside.v1 p99 of the same changes. Encodes per change are counted
//    on both faces (the goal: 1 each, whatever the number of callers).
// 2. Memory per idle xDS subscriber: the control plane's RSS and heap growth
//    with --idle subscribers open (100 per connection; subscribers in a child
//    process), against the same synced control plane with none, after GC,
//    beside the same measurement for as many WatchServers watchers in the
//    same run. Goal: at most 16 KiB per subscriber, as for WatchServers.
//    The xDS subscribers are measured first: the second measurement in one
//    process reuses memory the first one freed, so only its heap growth is
//    comparable (bench/watcher-memory.ts measures WatchServers' RSS alone).

import { argument, percentile, quick, recordResult, rssMiB } from './support/bench-result.js';
import { BENCH_SERVICE, busyService, startBenchControlPlane } from './support/bench-control-plane.js';
import { epochNow, WatcherFleet, WatcherFleetGroup, type WatcherKind } from './support/watcher-fleet.js';
import { round } from './support/call-load.js';

const subscribers = argument('subscribers', quick ? 200 : 1_000);
const changes = argument('changes', quick ? 10 : 40);
const idle = argument('idle', quick ? 1_000 : 10_000);
const PER_CHANNEL = 100;
const RESOURCE = 'busy.default:50051';
const MEMORY_GOAL_KIB = 16;
const ENCODES_GOAL = 1;

// ---- 1. propagation -------------------------------------------------------

const controlPlane = await startBenchControlPlane();
const address = `127.0.0.1:${controlPlane.port}`;
const watchers = WatcherFleetGroup.start(2);
const xds = WatcherFleetGroup.start(2);
await watchers.open({ kind: 'grpc-js', address, watchers: subscribers, ...BENCH_SERVICE }, PER_CHANNEL);
await xds.open({ kind: 'xds', address, watchers: subscribers, ...BENCH_SERVICE, resource: RESOURCE }, PER_CHANNEL);

const latency: Record<'lookaside' | 'xds', number[]> = { lookaside: [], xds: [] };
const encodes = { lookaside: 0, xds: 0 };
for (let i = 1; i <= changes; i++) {
  // A quiet moment between changes, as between real events.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const version = controlPlane.registry.lookup(BENCH_SERVICE.service, { kind: 'name', name: BENCH_SERVICE.port }).version;
  const { arrived: xdsArrived } = await xds.armNext();
  const watchersArrived = watchers.above(version);
  const encodesBefore = { lookaside: controlPlane.server.loadBalancer.encoder.encodes, xds: controlPlane.server.xds.resources.encodes };
  const writtenAt = epochNow();
  controlPlane.registry.upsert(busyService(i));
  const [lookasideTimes, xdsTimes] = await Promise.all([watchersArrived, xdsArrived]);
  latency.lookaside.push(lookasideTimes.last - writtenAt);
  latency.xds.push(xdsTimes.last - writtenAt);
  encodes.lookaside += controlPlane.server.loadBalancer.encoder.encodes - encodesBefore.lookaside;
  encodes.xds += controlPlane.server.xds.resources.encodes - encodesBefore.xds;
}
const openXdsStreams = controlPlane.server.xds.size;
await watchers.close();
await xds.close();
await controlPlane.stop(1_000);
if (openXdsStreams !== subscribers) throw new Error(`expected ${subscribers} xDS streams, the server had ${openXdsStreams}`);

const p = (kind: 'lookaside' | 'xds', q: number) => round(percentile(latency[kind], q), 1);
const ratioP99 = round(percentile(latency.xds, 99) / percentile(latency.lookaside, 99), 2);
const encodesPerChange = { lookaside: round(encodes.lookaside / changes, 2), xds: round(encodes.xds / changes, 2) };

// ---- 2. memory per idle subscriber ------------------------------------------

async function settle(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { rss: rssMiB(), heap: process.memoryUsage().heapUsed / 2 ** 20 };
}

async function memoryPer(kind: WatcherKind, count: number): Promise<{ rssKiB: number; heapKiB: number }> {
  const server = await startBenchControlPlane();
  const at = `127.0.0.1:${server.port}`;
  // Warm the server's code paths with a few streams, then close them.
  const warm = WatcherFleet.start();
  await warm.open({ kind, address: at, watchers: 10, channels: 1, ...BENCH_SERVICE, resource: RESOURCE });
  await warm.close();
  const before = await settle();
  const fleet = WatcherFleet.start();
  await fleet.open({ kind, address: at, watchers: count, channels: Math.ceil(count / PER_CHANNEL), ...BENCH_SERVICE, resource: RESOURCE }, 300_000);
  const after = await settle();
  const open = kind === 'xds' ? server.server.xds.size : server.server.loadBalancer.fanout.size;
  await fleet.close();
  await server.stop(1_000);
  if (open !== count) throw new Error(`expected ${count} open ${kind} streams, the server had ${open}`);
  return { rssKiB: round(((after.rss - before.rss) * 1024) / count, 2), heapKiB: round(((after.heap - before.heap) * 1024) / count, 2) };
}

const xdsMemory = await memoryPer('xds', idle);
const watcherMemory = await memoryPer('grpc-js', idle);

await recordResult({
  name: 'xds',
  params: { subscribers, changes, idle, streamsPerConnection: PER_CHANNEL, fleetProcessesPerKind: 2, service: `${BENCH_SERVICE.service} (10 backends)` },
  metrics: {
    propagationMs: { lookaside: latency.lookaside.map((v) => round(v, 2)), xds: latency.xds.map((v) => round(v, 2)) },
    lookasideP50Ms: p('lookaside', 50),
    lookasideP99Ms: p('lookaside', 99),
    xdsP50Ms: p('xds', 50),
    xdsP99Ms: p('xds', 99),
    xdsToLookasideP99: ratioP99,
    encodesPerChangeLookaside: encodesPerChange.lookaside,
    encodesPerChangeXds: encodesPerChange.xds,
    rssPerIdleXdsSubscriberKiB: xdsMemory.rssKiB,
    heapPerIdleXdsSubscriberKiB: xdsMemory.heapKiB,
    rssPerIdleWatcherKiB: watcherMemory.rssKiB,
    heapPerIdleWatcherKiB: watcherMemory.heapKiB,
  },
  goals: [
    { metric: 'rssPerIdleXdsSubscriberKiB', op: '<=', limit: MEMORY_GOAL_KIB },
    { metric: 'encodesPerChangeXds', op: '<=', limit: ENCODES_GOAL },
    { metric: 'encodesPerChangeLookaside', op: '<=', limit: ENCODES_GOAL },
  ],
  summary: [
    { label: `${subscribers} lookaside.v1 watchers: registry write → last watcher, p50 / p99`, value: `${p('lookaside', 50)} / ${p('lookaside', 99)} ms` },
    { label: `${subscribers} xDS subscribers, same changes: registry write → last subscriber, p50 / p99`, value: `${p('xds', 50)} / ${p('xds', 99)} ms` },
    { label: 'xDS p99 as a ratio to lookaside.v1 p99, same run', value: String(ratioP99) },
    { label: 'encodes per change, lookaside.v1 / xDS', value: `${encodesPerChange.lookaside} / ${encodesPerChange.xds}`, goal: '1 each', met: encodesPerChange.lookaside <= 1 && encodesPerChange.xds <= 1 },
    { label: `RSS per idle xDS subscriber, ${idle} subscribers, 100 per connection`, value: `${xdsMemory.rssKiB} KiB (heap ${xdsMemory.heapKiB} KiB)`, goal: `≤ ${MEMORY_GOAL_KIB} KiB`, met: xdsMemory.rssKiB <= MEMORY_GOAL_KIB },
    { label: 'heap per idle WatchServers watcher, same run and layout (its RSS: see watcher-memory)', value: `${watcherMemory.heapKiB} KiB` },
  ],
});
