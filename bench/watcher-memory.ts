// Memory per idle watcher: the control plane's RSS and heap growth per open
// WatchServers stream, at 10,000 watchers.
//
//   npx tsx bench/watcher-memory.ts [--quick] [--watchers 10000]
//
// The watchers run in a child process, so this process's memory is the
// control plane's alone. The baseline is the same control plane, synced, with
// no watcher, measured just before in the same process; both readings are
// taken after a full GC. Two layouts: 100 watchers per connection (a client
// process that watches many services), and one watcher per connection (many
// small clients), which also pays for an HTTP/2 session each.

import { argument, quick, recordResult, rssMiB } from './support/bench-result.js';
import { BENCH_SERVICE, startBenchControlPlane } from './support/bench-control-plane.js';
import { WatcherFleet } from './support/watcher-fleet.js';

const watchers = argument('watchers', quick ? 1_000 : 10_000);
const singleConnectionWatchers = argument('connections', quick ? 200 : 2_000);
const GOAL_KIB = 16;

async function settle(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { rss: rssMiB(), heap: process.memoryUsage().heapUsed / 2 ** 20 };
}

async function measure(count: number, watchersPerChannel: number): Promise<{ rssPerWatcherKiB: number; heapPerWatcherKiB: number; openWatchers: number }> {
  const controlPlane = await startBenchControlPlane();
  const fleet = WatcherFleet.start();
  // Warm up the server's code paths with a few watchers, then close them.
  await fleet.open({ kind: 'grpc-js', address: `127.0.0.1:${controlPlane.port}`, watchers: 10, channels: 1, ...BENCH_SERVICE });
  await fleet.close();
  const before = await settle();
  const measured = WatcherFleet.start();
  await measured.open({ kind: 'grpc-js', address: `127.0.0.1:${controlPlane.port}`, watchers: count, channels: Math.ceil(count / watchersPerChannel), ...BENCH_SERVICE });
  const after = await settle();
  const openWatchers = controlPlane.server.loadBalancer.fanout.size;
  await measured.close();
  await controlPlane.stop(1_000);
  return {
    rssPerWatcherKiB: Number((((after.rss - before.rss) * 1024) / count).toFixed(2)),
    heapPerWatcherKiB: Number((((after.heap - before.heap) * 1024) / count).toFixed(2)),
    openWatchers,
  };
}

const shared = await measure(watchers, 100);
const perConnection = await measure(singleConnectionWatchers, 1);
if (shared.openWatchers !== watchers) throw new Error(`expected ${watchers} open watchers, the server had ${shared.openWatchers}`);

await recordResult({
  name: 'watcher-memory',
  params: { watchers, watchersPerConnection: 100, singleConnectionWatchers, watchersIn: 'a child process (not counted)', baseline: 'the same synced control plane with no watcher, after GC' },
  metrics: {
    rssPerWatcherKiB: shared.rssPerWatcherKiB,
    heapPerWatcherKiB: shared.heapPerWatcherKiB,
    rssPerWatcherOwnConnectionKiB: perConnection.rssPerWatcherKiB,
    heapPerWatcherOwnConnectionKiB: perConnection.heapPerWatcherKiB,
  },
  goals: [{ metric: 'rssPerWatcherKiB', op: '<=', limit: GOAL_KIB }],
  summary: [
    { label: `RSS per idle watcher, ${watchers} watchers, 100 per connection`, value: `${shared.rssPerWatcherKiB} KiB (heap ${shared.heapPerWatcherKiB} KiB)`, goal: `≤ ${GOAL_KIB} KiB`, met: shared.rssPerWatcherKiB <= GOAL_KIB },
    { label: `RSS per idle watcher, ${singleConnectionWatchers} watchers, one connection each`, value: `${perConnection.rssPerWatcherKiB} KiB (heap ${perConnection.heapPerWatcherKiB} KiB)` },
  ],
});
