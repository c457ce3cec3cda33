// Fan-out cost: the control plane's CPU time per published update as the
// number of watchers grows, and how many times each update is encoded.
//
//   npx tsx bench/fanout-cost.ts [--quick] [--updates 100]
//
// The watchers run in a child process (bench/support/watcher-fleet.ts), so
// process.cpuUsage() here is the control plane's alone. Each update is
// published, then the benchmark waits until every watcher has it before the
// next, so the CPU time covers writing it to all of them. The baseline is the
// same measurement with one watcher, in the same run.

import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { BENCH_SERVICE, busyService, startBenchControlPlane } from './support/bench-control-plane.js';
import { WatcherFleet } from './support/watcher-fleet.js';

const counts = quick ? [1, 100, 1000] : [1, 10, 100, 1000, 5000];
const updates = argument('updates', quick ? 20 : 100);
const WATCHERS_PER_CHANNEL = 100;

const controlPlane = await startBenchControlPlane();
const address = `127.0.0.1:${controlPlane.port}`;
const encoder = controlPlane.server.loadBalancer.encoder;
let version = 0;

async function publish(fleet: WatcherFleet): Promise<void> {
  version += 1;
  controlPlane.registry.upsert(busyService(version));
  await fleet.reached(controlPlane.registry.lookup('busy.default', { kind: 'name', name: 'grpc' }).version);
}

const rows: { watchers: number; cpuPerUpdateMs: number; cpuPerWatcherUs: number; encodesPerUpdate: number; wallPerUpdateP50Ms: number }[] = [];
for (const watchers of counts) {
  const fleet = WatcherFleet.start();
  await fleet.open({ kind: 'grpc-js', address, watchers, channels: Math.ceil(watchers / WATCHERS_PER_CHANNEL), ...BENCH_SERVICE });
  for (let i = 0; i < 10; i++) await publish(fleet); // warm up the JIT and the connections
  global.gc?.();
  const encodesBefore = encoder.encodes;
  const cpuBefore = process.cpuUsage();
  const walls: number[] = [];
  for (let i = 0; i < updates; i++) {
    const started = performance.now();
    await publish(fleet);
    walls.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerUpdateMs = (cpu.user + cpu.system) / 1000 / updates;
  rows.push({
    watchers,
    cpuPerUpdateMs: Number(cpuPerUpdateMs.toFixed(3)),
    cpuPerWatcherUs: Number(((cpuPerUpdateMs * 1000) / watchers).toFixed(2)),
    encodesPerUpdate: (encoder.encodes - encodesBefore) / updates,
    wallPerUpdateP50Ms: Number(percentile(walls, 50).toFixed(2)),
  });
  console.log(`  ${watchers} watchers: ${cpuPerUpdateMs.toFixed(3)} ms CPU per update, ${rows.at(-1)!.encodesPerUpdate} encodes per update`);
  await fleet.close();
}
await controlPlane.stop(1_000);

const base = rows[0]!;
const largest = rows.at(-1)!;
await recordResult({
  name: 'fanout-cost',
  params: { updates, watcherCounts: counts, watchersPerChannel: WATCHERS_PER_CHANNEL, backendsPerUpdate: 10, watchersIn: 'a child process (not counted)' },
  metrics: {
    rows,
    maxEncodesPerUpdate: Math.max(...rows.map((r) => r.encodesPerUpdate)),
    cpuPerWatcherUsAtLargest: largest.cpuPerWatcherUs,
    baselineCpuPerUpdateMs: base.cpuPerUpdateMs,
  },
  goals: [{ metric: 'maxEncodesPerUpdate', op: '<=', limit: 1 }],
  summary: [
    ...rows.map((r) => ({ label: `${r.watchers} watcher${r.watchers === 1 ? '' : 's'}: CPU per update`, value: `${r.cpuPerUpdateMs} ms (${r.cpuPerWatcherUs} µs per watcher)` })),
    { label: 'encodes per update, any number of watchers', value: String(Math.max(...rows.map((r) => r.encodesPerUpdate))), goal: '1', met: rows.every((r) => r.encodesPerUpdate <= 1) },
  ],
});
