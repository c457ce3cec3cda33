// Propagation: how long an EndpointSlice change takes to reach every
// WatchServers stream, and a lookaside channel's picker.
//
//   npx tsx bench/propagation.ts [--quick] [--watchers 1,100,1000,5000] [--changes 200] [--warmup 20] [--trials 3] [--min-flush-interval-ms 100]
//
// The control plane runs alone in a child process (this file with
// --control-plane), as in production: on the Kubernetes source, through the
// real client-node, with the production timings and the production minimum
// interval between registry writes. The watchers run in two more child
// processes (bench/support/watcher-fleet.ts). In production each is in some
// client pod with its own CPU; here they share two processes and read their
// streams one after another, so the time to the last watcher includes
// reading N/2 streams on a core the control plane also needs, and is
// pessimistic for large N. To keep that share small, the percentiles and the
// goal are taken with bare HTTP/2 watchers (bench/support/http2-watchers.ts:
// gRPC framing and a protobufjs decode, about 16 µs of CPU per message
// against grpc-js's 25). At the goal's size one more trial runs with the
// client package's own grpc-js watchers (LoadBalancerStub), reported beside
// them, and the lookaside channel measures the real client throughout.
// This process is the rest of the world: the Kubernetes API harness, a
// lookaside channel with calls flowing, and the backends.
//
// All watchers (and the channel) follow one Service, whose endpoints are
// local backends, one EndpointSlice per backend (ports differ per backend).
// A change alternately adds a slice with a new, ready backend and deletes it.
// Per change:
//   end to end     harness write → the last watcher has the new version:
//                  what the goal is judged on;
//   after source   the registry write (registry.onChange in the control
//                  plane) → the last watcher has it: the part after the
//                  Kubernetes source;
//   first watcher  the registry write → the first watcher has it;
//   fan-out        the control plane's own hooks.onPropagated: registry
//                  write → handed to every stream;
//   picker         (adds only) harness write → the first call of the
//                  lookaside channel that the new backend receives.
// Each trial starts new watcher processes, whose first changes run before
// their JIT has compiled the read path: the first --warmup changes are
// reported apart ("cold") and the percentiles cover the --changes after
// them. --changes is large enough that p99 is not simply the maximum.
//
// This machine is shared, and its speed drifts by a factor of two over
// minutes. So at the goal's size (1,000 watchers) there are --trials trials,
// the one with the median p99 stands for them, and each is followed by a
// baseline with the same watchers: a bare grpc-js server writing one new
// message to every stream in one loop (bench/support/bare-watch-server.ts),
// the least any grpc-js control plane could do on the machine at that
// moment.
// Times across the processes are performance.timeOrigin + now() in each.
// Watchers are spread 100 streams per connection (an HTTP/2 session, or a
// grpc-js channel with grpc.use_local_subchannel_pool): the control plane sets no
// max concurrent streams, so Node's default (2^32-1) applies, but a real
// fleet has one connection per client anyway.

import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { registerLookaside } from 'grpc-lookaside-client';
import { KubernetesApiHarness } from '../test/support/kubernetes-api-harness.js';
import { endpointSlice, READY, service } from '../test/support/kubernetes-objects.js';
import { IdentityClient } from '../test/support/identity-backends.js';
import { percentile, quick, recordResult } from './support/bench-result.js';
import { epochNow, WatcherFleetGroup, type WatcherKind } from './support/watcher-fleet.js';
import { BareWatchServer } from './support/bare-watch-server.js';
import { waitFor } from '../test/support/wait-until.js';
import { keepCallsInFlight, round, startBenchBackend, warmUp, type BenchBackend } from './support/call-load.js';

const NAMESPACE = 'bench';
const SERVICE = 'watched';
const KEY = `${SERVICE}.${NAMESPACE}`;
const STREAMS_PER_CHANNEL = 100;
const FLEET_PROCESSES = Math.max(1, Math.min(2, availableParallelism()));
const GOAL = { watchers: 1_000, endToEndP99Ms: 50 };
/** The watchers the percentiles and the goal are taken with; see the header. */
const JUDGED_WATCHERS: WatcherKind = 'http2';
const KIND_NAMES: Record<WatcherKind, string> = { http2: 'HTTP/2', 'grpc-js': 'grpc-js', xds: 'xDS' };
const JUDGED = KIND_NAMES[JUDGED_WATCHERS];
/**
 * Backends answer after this long, so the channel's 4 calls in flight make
 * some 400 calls a second: enough to see a new backend within a few ms,
 * without the calls taking this process's CPU from the watchers.
 */
const CALL_DELAY_MS = 10;

function listArgument(name: string, fallback: number[]): number[] {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const values = (process.argv[index + 1] ?? '').split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`--${name} must be a comma-separated list of positive whole numbers`);
  return values;
}
function numberArgument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
}


// ---- the control plane, in its own process ------------------------------

type ChildMessage = { type: 'ready'; port: number } | { type: 'write'; key: string; at: number } | { type: 'propagated'; key: string; ms: number };

async function runControlPlane(harnessUrl: string, minFlushIntervalMs: number): Promise<void> {
  process.setSourceMapsEnabled(false);
  const { ControlPlane } = await import('../src/control-plane.js');
  const { createKubernetesSource } = await import('../src/discovery/kubernetes/kubernetes-source.js');
  const { harnessKubeConfig } = await import('../test/support/kubernetes-control-plane.js');
  const send = (message: ChildMessage) => process.send!(message);
  const controlPlane = await ControlPlane.start({
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    hooks: { onPropagated: (key, seconds) => send({ type: 'propagated', key, ms: seconds * 1000 }) },
    createSource: (registry, logger) => {
      registry.onChange((key) => send({ type: 'write', key, at: epochNow() }));
      return createKubernetesSource({ registry, logger, kubeConfig: harnessKubeConfig(harnessUrl), minFlushIntervalMs });
    },
  });
  await new Promise<void>((resolve) => controlPlane.registry.onSynced(resolve));
  send({ type: 'ready', port: controlPlane.port });
  process.on('disconnect', () => void controlPlane.stop(500).then(() => process.exit(0)));
}

// ---- the outside world ----------------------------------------------------

class ControlPlaneChild {
  private readonly writes: { key: string; at: number }[] = [];
  private readonly propagated: { key: string; ms: number }[] = [];
  private wake: (() => void) | undefined;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'write') this.writes.push(message);
      if (message.type === 'propagated') this.propagated.push(message);
      this.wake?.();
    });
  }

  static async start(harnessUrl: string, minFlushIntervalMs: number): Promise<{ child: ControlPlaneChild; port: number }> {
    const child = fork(fileURLToPath(import.meta.url), ['--control-plane', harnessUrl, '--min-flush-interval-ms', String(minFlushIntervalMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the control plane did not start within 30 s')), 30_000);
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message.port);
        }
      });
      child.once('exit', (code) => reject(new Error(`the control plane exited with ${code}`)));
    });
    return { child: new ControlPlaneChild(child), port };
  }

  /** Forgets what was reported so far. */
  clear(): void {
    this.writes.length = 0;
    this.propagated.length = 0;
  }

  /** The first registry write of KEY reported since clear(), waiting up to `timeoutMs`. */
  async firstWrite(timeoutMs: number): Promise<{ at: number; fanoutMs: number | undefined }> {
    const until = performance.now() + timeoutMs;
    while (!this.writes.some((w) => w.key === KEY) || !this.propagated.some((p) => p.key === KEY)) {
      if (performance.now() > until) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 20);
      });
    }
    const write = this.writes.find((w) => w.key === KEY);
    if (!write) throw new Error(`no registry write of ${KEY} reported within ${timeoutMs} ms`);
    return { at: write.at, fanoutMs: this.propagated.find((p) => p.key === KEY)?.ms };
  }

  stop(): void {
    this.child.disconnect();
  }
}

/**
 * N WatchServers streams, 100 per connection, in as many child processes as the
 * machine has cores (2 here): once the control plane has written every
 * stream, the watchers read on both cores, as remote clients would.
 */
async function openWatchers(address: string, count: number, kind: WatcherKind): Promise<WatcherFleetGroup> {
  const fleet = WatcherFleetGroup.start(Math.min(count, FLEET_PROCESSES));
  await fleet.open({ kind, address, watchers: count, service: KEY, port: 'grpc' }, STREAMS_PER_CHANNEL);
  return fleet;
}

function slice(backend: BenchBackend) {
  return endpointSlice({ name: `${SERVICE}-${backend.name}`, namespace: NAMESPACE, service: SERVICE, ports: [{ name: 'grpc', port: backend.port }], endpoints: [{ address: '127.0.0.1', ...READY, pod: `${SERVICE}-${backend.name}` }] });
}

/**
 * Lets a change settle (a removed backend's last calls) before the next, and
 * spaces changes beyond the source's minimum flush interval: each change is
 * then the first after a quiet period, as a pod turning ready or unready
 * usually is. Changes inside the interval are gathered and wait for its end;
 * bench/rolling-restart runs such bursts.
 */
function settle(minFlushIntervalMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, minFlushIntervalMs + 50 + Math.random() * 50));
}

interface TrialRow {
  endToEndMs: Stats;
  afterSourceMs: Stats;
  firstWatcherAfterSourceMs: Stats;
  fanoutMs: Stats;
  pickerMs: Stats;
  coldEndToEndMs: Stats;
}

interface Stats {
  p50: number;
  p99: number;
  max: number;
}
const stats = (values: number[]): Stats => ({ p50: round(percentile(values, 50), 1), p99: round(percentile(values, 99), 1), max: round(Math.max(...values), 1) });

async function main(): Promise<void> {
  const watcherCounts = listArgument('watchers', quick ? [1, 100, 1_000] : [1, 100, 1_000, 5_000]);
  const changes = numberArgument('changes', quick ? 20 : 200);
  const warmup = numberArgument('warmup', quick ? 5 : 20);
  const minFlushIntervalMs = numberArgument('min-flush-interval-ms', 100);
  const trialsAtGoal = numberArgument('trials', quick ? 1 : 3);

  const harness = await KubernetesApiHarness.start();
  const steady = await Promise.all([0, 1, 2].map((i) => startBenchBackend(`pod-${i}`, CALL_DELAY_MS)));
  const added = await startBenchBackend('pod-new', CALL_DELAY_MS);
  harness.apply('services', service(SERVICE, NAMESPACE, [{ name: 'grpc', port: 50051, targetPort: 'grpc' }]));
  for (const backend of steady) harness.apply('endpointslices', slice(backend));

  const { child, port } = await ControlPlaneChild.start(harness.url, minFlushIntervalMs);
  const address = `127.0.0.1:${port}`;
  registerLookaside({ controlPlane: address, startTimeoutMs: 5_000 });
  const client = new IdentityClient(`lookaside:///${KEY}:grpc`, { 'grpc.service_config': JSON.stringify({ methodConfig: [{ name: [{}] }] }) });
  await warmUp(client, steady.map((b) => b.name));
  const load = keepCallsInFlight(client, { concurrency: 4, maxMs: 30 * 60_000 });

  const results: Record<string, Record<string, unknown>> = {};
  /** Whether the added backend's slice exists now; it carries over from one watcher count to the next. */
  let present = false;

  /** One trial: a new set of watcher processes, warm-up changes, then the measured changes. */
  async function measure(count: number, kind: WatcherKind): Promise<TrialRow> {
    const fleet = await openWatchers(address, count, kind);
    const e2e: number[] = [];
    const afterSource: number[] = [];
    const fanout: number[] = [];
    const firstAfterSource: number[] = [];
    const picker: number[] = [];
    const cold: number[] = [];
    try {
      for (let c = 0; c < warmup + changes; c++) {
        const { min: before, max } = await fleet.versions();
        if (max !== before) throw new Error('watchers disagree on the version before a change');
        // Asked before the change is written, so no arrival can precede the question.
        const arrival = fleet.above(before, 30_000);
        child.clear();
        const adding: boolean = !present;
        if (adding) added.resetFirstCall();
        const writtenAt = epochNow();
        const startedAt = performance.now();
        if (adding) harness.apply('endpointslices', slice(added));
        else harness.delete('endpointslices', NAMESPACE, `${SERVICE}-${added.name}`);
        present = adding;
        const { first, last } = await arrival;
        const write = await child.firstWrite(10_000);
        if (c < warmup) {
          cold.push(last - writtenAt);
          await settle(minFlushIntervalMs);
          continue;
        }
        e2e.push(last - writtenAt);
        afterSource.push(last - write.at);
        firstAfterSource.push(first - write.at);
        if (write.fanoutMs !== undefined) fanout.push(write.fanoutMs);
        if (adding) {
          await waitFor('a call on the added backend', () => added.firstCallAt !== undefined, 15_000, 1);
          picker.push(added.firstCallAt! - startedAt);
        }
        await settle(minFlushIntervalMs);
      }
    } finally {
      await fleet.close();
    }
    const row = { endToEndMs: stats(e2e), afterSourceMs: stats(afterSource), firstWatcherAfterSourceMs: stats(firstAfterSource), fanoutMs: stats(fanout), pickerMs: stats(picker), coldEndToEndMs: stats(cold) };
    console.log(
      `${String(count).padStart(5)} ${KIND_NAMES[kind]} watchers: end to end p50 ${row.endToEndMs.p50} p99 ${row.endToEndMs.p99} max ${row.endToEndMs.max} ms | after source p50 ${row.afterSourceMs.p50} p99 ${row.afterSourceMs.p99} max ${row.afterSourceMs.max} ms | first watcher p50 ${row.firstWatcherAfterSourceMs.p50} | fan-out p50 ${row.fanoutMs.p50} p99 ${row.fanoutMs.p99} ms | picker p50 ${row.pickerMs.p50} p99 ${row.pickerMs.p99} ms | cold (first ${warmup}) end to end p50 ${row.coldEndToEndMs.p50} max ${row.coldEndToEndMs.max} ms`,
    );
    return row;
  }

  /** The same trial against the bare grpc-js server: its write command → the last watcher. */
  async function measureBaseline(bare: BareWatchServer, count: number): Promise<Stats> {
    const fleet = await openWatchers(`127.0.0.1:${bare.port}`, count, JUDGED_WATCHERS);
    const times: number[] = [];
    try {
      for (let c = 0; c < warmup + changes; c++) {
        const { min: before } = await fleet.versions();
        const arrival = fleet.above(before, 30_000);
        const at = await bare.publish(before + 1);
        const { last } = await arrival;
        if (c >= warmup) times.push(last - at);
        await settle(minFlushIntervalMs);
      }
    } finally {
      await fleet.close();
    }
    const row = stats(times);
    console.log(`${String(count).padStart(5)} ${JUDGED} watchers, bare grpc-js server: write → last watcher p50 ${row.p50} p99 ${row.p99} max ${row.max} ms`);
    return row;
  }

  let baseline: { trials: Stats[]; median: Stats } | undefined;
  let grpcJsAtGoal: TrialRow | undefined;
  let bare: BareWatchServer | undefined;
  try {
    for (const count of watcherCounts) {
      const isGoal = count === GOAL.watchers;
      const trials: TrialRow[] = [];
      const baselines: Stats[] = [];
      for (let t = 0; t < (isGoal ? trialsAtGoal : 1); t++) {
        trials.push(await measure(count, JUDGED_WATCHERS));
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (isGoal) {
          bare ??= await BareWatchServer.start({ service: KEY, port: 'grpc', addresses: [...steady, added].map((b) => `127.0.0.1:${b.port}`) });
          baselines.push(await measureBaseline(bare, count));
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      // With several trials, the one with the median p99 stands for them all.
      const median = <T>(rows: T[], key: (row: T) => number): T => [...rows].sort((a, b) => key(a) - key(b))[Math.floor((rows.length - 1) / 2)]!;
      results[String(count)] = { ...median(trials, (r) => r.endToEndMs.p99), changes, warmup, trialsEndToEndP99Ms: trials.map((r) => r.endToEndMs.p99), trialsEndToEndP50Ms: trials.map((r) => r.endToEndMs.p50) };
      if (isGoal) {
        baseline = { trials: baselines, median: median(baselines, (r) => r.p99) };
        // The same size with the client package's own grpc-js watchers.
        grpcJsAtGoal = await measure(count, 'grpc-js');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    const record = await load.stop();
    client.close();
    child.stop();
    bare?.stop();
    await harness.close();
    for (const b of [...steady, added]) b.kill();
    if (record.failed > 0) console.log(`calls failed during the run: ${JSON.stringify(Object.fromEntries(record.failures))}`);
  }

  const goalRow = results[String(GOAL.watchers)] as { endToEndMs: Stats } | undefined;
  const metrics: Record<string, unknown> = { byWatchers: results };
  if (goalRow) metrics.endToEndP99MsAt1000 = goalRow.endToEndMs.p99;
  if (baseline) metrics.baselineAt1000 = baseline;
  if (grpcJsAtGoal) metrics.grpcJsWatchersAt1000 = grpcJsAtGoal;
  const summary = [];
  for (const count of watcherCounts) {
    const row = results[String(count)] as { endToEndMs: Stats; afterSourceMs: Stats; pickerMs: Stats; coldEndToEndMs: Stats };
    const isGoal = count === GOAL.watchers;
    summary.push({
      label: `${count} ${JUDGED} watchers: slice write → last watcher, p50 / p99 / max`,
      value: `${row.endToEndMs.p50} / ${row.endToEndMs.p99} / ${row.endToEndMs.max} ms`,
      ...(isGoal && { goal: `p99 ≤ ${GOAL.endToEndP99Ms} ms`, met: row.endToEndMs.p99 <= GOAL.endToEndP99Ms }),
    });
    summary.push({ label: `${count} watchers: registry write → last watcher, p50 / p99`, value: `${row.afterSourceMs.p50} / ${row.afterSourceMs.p99} ms` });
    if (isGoal) {
      const trialsP99 = (row as unknown as { trialsEndToEndP99Ms: number[] }).trialsEndToEndP99Ms;
      if (trialsP99.length > 1) summary.push({ label: `${count} watchers: p99 of each of ${trialsP99.length} trials (the median one is above)`, value: `${trialsP99.join(' / ')} ms` });
      summary.push({ label: `${count} watchers: first ${warmup} changes of a new fleet (cold), p50 / max`, value: `${row.coldEndToEndMs.p50} / ${row.coldEndToEndMs.max} ms` });
      if (baseline) {
        summary.push({ label: `${count} ${JUDGED} watchers, baseline: bare grpc-js server, write → last watcher, p50 / p99`, value: `${baseline.median.p50} / ${baseline.median.p99} ms (trials' p99 ${baseline.trials.map((b) => b.p99).join(' / ')} ms)` });
        summary.push({ label: `${count} watchers: registry write → last watcher, p50, as a ratio to the baseline's p50`, value: (row.afterSourceMs.p50 / baseline.median.p50).toFixed(2) });
      }
      if (grpcJsAtGoal) {
        const g = grpcJsAtGoal;
        summary.push({ label: `${count} grpc-js watchers (one trial): slice write → last watcher, p50 / p99 / max`, value: `${g.endToEndMs.p50} / ${g.endToEndMs.p99} / ${g.endToEndMs.max} ms` });
      }
    }
  }
  const pickerRow = (goalRow ?? results[String(watcherCounts.at(-1))]) as { pickerMs: Stats } | undefined;
  if (pickerRow) summary.push({ label: `picker uses a new backend (at ${goalRow ? GOAL.watchers : watcherCounts.at(-1)} watchers), p50 / p99`, value: `${pickerRow.pickerMs.p50} / ${pickerRow.pickerMs.p99} ms` });
  await recordResult({
    name: 'propagation',
    params: {
      watcherCounts,
      changesPerCount: changes,
      warmupChangesPerCount: warmup,
      minFlushIntervalMs,
      streamsPerChannel: STREAMS_PER_CHANNEL,
      change: 'alternately add and delete an EndpointSlice holding one ready local backend',
      trialsAtGoal,
      watchers: `${JUDGED} (http2: bare readers, gRPC framing and a protobufjs decode; grpc-js: LoadBalancerStub); at 1,000 one more trial with grpc-js LoadBalancerStub watchers`,
      processes: 'control plane alone in a child process; the watchers in two others (new ones per trial); harness, lookaside channel (4 calls in flight) and backends in the parent',
      baseline: 'a bare grpc-js WatchServers server in its own child process writing one new message to every stream in one loop, measured with the same watchers right after each trial',
      backendDelayMs: CALL_DELAY_MS,
      goalJudgedOn: `end to end: EndpointSlice write in the API harness → the last of 1,000 ${JUDGED} watchers has the version, over the changes after the warm-up; p99 of the trial with the median p99`,
    },
    metrics,
    goals: goalRow ? [{ metric: 'endToEndP99MsAt1000', op: '<=', limit: GOAL.endToEndP99Ms }] : [],
    summary,
  });
  process.exit(0);
}

if (process.argv.includes('--control-plane')) await runControlPlane(process.argv[process.argv.indexOf('--control-plane') + 1]!, numberArgument('min-flush-interval-ms', 100));
else await main();
