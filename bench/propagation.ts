// Propagation: how long an EndpointSlice change takes to reach every
// WatchServers stream, and a lookaside channel's picker.
//
//   npx tsx bench/propagation.ts [--quick] [--watchers 1,100,1000,5000] [--changes 150] [--warmup 20] [--trials 3] [--min-flush-interval-ms 100]
//
// The control plane runs alone in a child process (this file with
// --control-plane), as in production: on the Kubernetes source, through the
// real client-node, with the production timings and the production minimum
// interval between registry writes. The watchers run in two more child
// processes (bench/support/watcher-fleet.ts): grpc-js WatchServers streams
// through the client package's own LoadBalancerStub, the client users run.
// In production each is in some client pod with its own CPU; here they share
// two processes and read their streams one after another, so the time to the
// last watcher includes reading N/2 streams on a core the control plane also
// needs, and is pessimistic for large N. That is why the goal is a ratio: at
// each judged size (1,000 and 5,000 watchers) every trial is followed by a
// baseline with the same kind and number of watchers, a bare grpc-js server
// writing one new message to every stream in one loop
// (bench/support/bare-watch-server.ts), the least any grpc-js control plane
// could do on the machine at that moment.
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
// And per trial, the CPU time of the server's process (the control plane,
// or the bare server) from the first measured change to the last, per
// change: the control plane's own cost next to the least cost, not judged.
// Each trial starts new watcher processes, whose first changes run before
// their JIT has compiled the read path: the first --warmup changes are
// reported apart ("cold") and the percentiles cover the --changes after
// them.
//
// Judging: at 1,000 and 5,000 watchers there are --trials trials, each
// followed by its baseline; the changes of all trials are pooled (never the
// best or the median trial) and every trial's p99 is reported. Goals:
//   ratio     registry write → last watcher, pooled p99, at most 1.2× the
//             baseline's pooled p99 (write → last watcher), at 1,000 and at
//             5,000: the control plane's own cost against the least cost;
//   absolute  slice write → last of 1,000 watchers, pooled p99 ≤ 50 ms.
// One more trial at 1,000 with bare HTTP/2 readers
// (bench/support/http2-watchers.ts: gRPC framing and a protobufjs decode,
// cheaper per message than grpc-js) is reported beside them, not judged.
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
import { processCpuMs } from './support/process-cpu.js';
import { waitFor } from '../test/support/wait-until.js';
import { keepCallsInFlight, round, startBenchBackend, warmUp, type BenchBackend } from './support/call-load.js';

const NAMESPACE = 'bench';
const SERVICE = 'watched';
const KEY = `${SERVICE}.${NAMESPACE}`;
const STREAMS_PER_CHANNEL = 100;
const FLEET_PROCESSES = Math.max(1, Math.min(2, availableParallelism()));
/** Sizes judged by the ratio to the baseline; the first also by the absolute p99. */
const GOAL = { ratioSizes: [1_000, 5_000], maxRatio: 1.2, watchers: 1_000, endToEndP99Ms: 50 };
/** The watchers the percentiles and the goals are taken with: the client users run. */
const JUDGED_WATCHERS: WatcherKind = 'grpc-js';
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

  /** The control plane's process id, to read its CPU time. */
  get pid(): number {
    return this.child.pid!;
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

/** One baseline trial: write → last watcher per change, and the bare server's CPU per change, ms. */
interface Baseline {
  times: number[];
  cpuPerChange: number;
}

/** One trial's samples, in ms: the changes after the warm-up (cold: the warm-up's). */
interface TrialSamples {
  endToEnd: number[];
  afterSource: number[];
  firstWatcherAfterSource: number[];
  fanout: number[];
  picker: number[];
  cold: number[];
  /** CPU time of the server's process per measured change, ms. */
  cpuPerChange: number;
}

interface Stats {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}
const stats = (values: number[]): Stats => ({ p50: round(percentile(values, 50), 1), p99: round(percentile(values, 99), 1), max: round(Math.max(...values), 1), samples: values.length });

/** The trials' samples pooled: every change of every trial counts once. */
function pool(trials: readonly TrialSamples[]): TrialSamples {
  const all = (key: keyof TrialSamples) => trials.flatMap((t) => t[key]);
  const changes = trials.reduce((sum, t) => sum + t.endToEnd.length, 0);
  const cpuPerChange = trials.reduce((sum, t) => sum + t.cpuPerChange * t.endToEnd.length, 0) / changes;
  return { endToEnd: all('endToEnd'), afterSource: all('afterSource'), firstWatcherAfterSource: all('firstWatcherAfterSource'), fanout: all('fanout'), picker: all('picker'), cold: all('cold'), cpuPerChange };
}

function trialStats(t: TrialSamples) {
  return { endToEndMs: stats(t.endToEnd), afterSourceMs: stats(t.afterSource), firstWatcherAfterSourceMs: stats(t.firstWatcherAfterSource), fanoutMs: stats(t.fanout), pickerMs: stats(t.picker), coldEndToEndMs: stats(t.cold), cpuPerChangeMs: round(t.cpuPerChange, 2) };
}
type TrialStats = ReturnType<typeof trialStats>;
/** What the JSON keeps of each trial besides its samples (which let runs be pooled later). */
const pick = (t: TrialStats) => ({ endToEndMs: t.endToEndMs, afterSourceMs: t.afterSourceMs });

async function main(): Promise<void> {
  const watcherCounts = listArgument('watchers', quick ? [1, 100, 1_000] : [1, 100, 1_000, 5_000]);
  const changes = numberArgument('changes', quick ? 20 : 150);
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
  async function measure(count: number, kind: WatcherKind): Promise<TrialSamples> {
    const fleet = await openWatchers(address, count, kind);
    const e2e: number[] = [];
    const afterSource: number[] = [];
    const fanout: number[] = [];
    const firstAfterSource: number[] = [];
    const picker: number[] = [];
    const cold: number[] = [];
    let cpuAtStart = 0;
    let cpuPerChange = 0;
    try {
      for (let c = 0; c < warmup + changes; c++) {
        if (c === warmup) cpuAtStart = processCpuMs(child.pid);
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
        if (c === warmup + changes - 1) cpuPerChange = (processCpuMs(child.pid) - cpuAtStart) / changes;
        await settle(minFlushIntervalMs);
      }
    } finally {
      await fleet.close();
    }
    const samples: TrialSamples = { endToEnd: e2e, afterSource, firstWatcherAfterSource: firstAfterSource, fanout, picker, cold, cpuPerChange };
    const row = trialStats(samples);
    console.log(
      `${String(count).padStart(5)} ${KIND_NAMES[kind]} watchers: end to end p50 ${row.endToEndMs.p50} p99 ${row.endToEndMs.p99} max ${row.endToEndMs.max} ms | after source p50 ${row.afterSourceMs.p50} p99 ${row.afterSourceMs.p99} max ${row.afterSourceMs.max} ms | first watcher p50 ${row.firstWatcherAfterSourceMs.p50} | fan-out p50 ${row.fanoutMs.p50} p99 ${row.fanoutMs.p99} ms | picker p50 ${row.pickerMs.p50} p99 ${row.pickerMs.p99} ms | cold (first ${warmup}) end to end p50 ${row.coldEndToEndMs.p50} max ${row.coldEndToEndMs.max} ms | control plane CPU ${row.cpuPerChangeMs} ms per change`,
    );
    return samples;
  }

  /** The same trial against the bare grpc-js server: its write command → the last watcher. */
  async function measureBaseline(bare: BareWatchServer, count: number): Promise<Baseline> {
    const fleet = await openWatchers(`127.0.0.1:${bare.port}`, count, JUDGED_WATCHERS);
    const times: number[] = [];
    let cpuAtStart = 0;
    let cpuPerChange = 0;
    try {
      for (let c = 0; c < warmup + changes; c++) {
        if (c === warmup) cpuAtStart = processCpuMs(bare.pid);
        const { min: before } = await fleet.versions();
        const arrival = fleet.above(before, 30_000);
        const at = await bare.publish(before + 1);
        const { last } = await arrival;
        if (c >= warmup) times.push(last - at);
        if (c === warmup + changes - 1) cpuPerChange = (processCpuMs(bare.pid) - cpuAtStart) / changes;
        await settle(minFlushIntervalMs);
      }
    } finally {
      await fleet.close();
    }
    const row = stats(times);
    console.log(`${String(count).padStart(5)} ${JUDGED} watchers, bare grpc-js server: write → last watcher p50 ${row.p50} p99 ${row.p99} max ${row.max} ms | its CPU ${round(cpuPerChange, 2)} ms per change`);
    return { times, cpuPerChange };
  }

  /** Per judged size: every trial's samples, and every baseline's. */
  const judged = new Map<number, { trials: TrialSamples[]; baselines: Baseline[] }>();
  let http2AtGoal: TrialSamples | undefined;
  let bare: BareWatchServer | undefined;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 500));
  try {
    for (const count of watcherCounts) {
      const isJudged = GOAL.ratioSizes.includes(count);
      const trials: TrialSamples[] = [];
      const baselines: Baseline[] = [];
      for (let t = 0; t < (isJudged ? trialsAtGoal : 1); t++) {
        trials.push(await measure(count, JUDGED_WATCHERS));
        await pause();
        if (isJudged) {
          bare ??= await BareWatchServer.start({ service: KEY, port: 'grpc', addresses: [...steady, added].map((b) => `127.0.0.1:${b.port}`) });
          baselines.push(await measureBaseline(bare, count));
          await pause();
        }
      }
      const pooled = trialStats(pool(trials));
      results[String(count)] = { ...pooled, changesPerTrial: changes, warmup, trials: trials.map((t) => ({ ...pick(trialStats(t)), cpuPerChangeMs: round(t.cpuPerChange, 2), samplesMs: { endToEnd: t.endToEnd.map((v) => round(v, 2)), afterSource: t.afterSource.map((v) => round(v, 2)) } })) };
      if (isJudged) judged.set(count, { trials, baselines });
      if (count === GOAL.watchers) {
        // Extra, not judged: the same size with bare HTTP/2 readers.
        http2AtGoal = await measure(count, 'http2');
        await pause();
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

  const metrics: Record<string, unknown> = { byWatchers: results };
  const goals: { metric: string; op: '<=' | '>='; limit: number }[] = [];
  const summary: { label: string; value: string; goal?: string; met?: boolean }[] = [];
  const ms = (s: Stats) => `${s.p50} / ${s.p99} / ${s.max} ms`;
  for (const count of watcherCounts) {
    const row = results[String(count)] as TrialStats;
    const run = judged.get(count);
    const trialsNote = run && run.trials.length > 1 ? `, ${run.trials.length} trials pooled (${row.endToEndMs.samples} changes)` : '';
    const endToEndGoal = count === GOAL.watchers;
    if (endToEndGoal) {
      metrics.endToEndP99MsAt1000 = row.endToEndMs.p99;
      goals.push({ metric: 'endToEndP99MsAt1000', op: '<=', limit: GOAL.endToEndP99Ms });
    }
    summary.push({
      label: `${count} ${JUDGED} watchers: slice write → last watcher, p50 / p99 / max${trialsNote}`,
      value: ms(row.endToEndMs),
      ...(endToEndGoal && { goal: `p99 ≤ ${GOAL.endToEndP99Ms} ms`, met: row.endToEndMs.p99 <= GOAL.endToEndP99Ms }),
    });
    summary.push({ label: `${count} ${JUDGED} watchers: registry write → last watcher, p50 / p99 / max`, value: ms(row.afterSourceMs) });
    if (!run) continue;
    const base = stats(run.baselines.flatMap((b) => b.times));
    const ratio = round(row.afterSourceMs.p99 / base.p99, 2);
    const baselineCpu = run.baselines.reduce((sum, b) => sum + b.cpuPerChange, 0) / run.baselines.length;
    metrics[`baselineAt${count}`] = { pooled: base, trials: run.baselines.map((b) => ({ ...stats(b.times), cpuPerChangeMs: round(b.cpuPerChange, 2), samplesMs: b.times.map((v) => round(v, 2)) })), cpuPerChangeMs: round(baselineCpu, 2) };
    metrics[`p99RatioToBaselineAt${count}`] = ratio;
    goals.push({ metric: `p99RatioToBaselineAt${count}`, op: '<=', limit: GOAL.maxRatio });
    summary.push({ label: `${count} ${JUDGED} watchers, baseline: bare grpc-js server, write → last watcher, p50 / p99 / max, pooled`, value: ms(base) });
    summary.push({ label: `${count} ${JUDGED} watchers: registry write → last watcher p99 over the baseline's p99`, value: ratio.toFixed(2), goal: `≤ ${GOAL.maxRatio}`, met: ratio <= GOAL.maxRatio });
    summary.push({
      label: `${count} ${JUDGED} watchers: p99 of every trial, registry write → last watcher / baseline`,
      value: `${run.trials.map((t) => round(percentile(t.afterSource, 99), 1)).join(', ')} / ${run.baselines.map((b) => round(percentile(b.times, 99), 1)).join(', ')} ms`,
    });
    summary.push({ label: `${count} ${JUDGED} watchers: CPU time of the server's process per change, control plane / bare server`, value: `${row.cpuPerChangeMs} / ${round(baselineCpu, 2)} ms` });
    summary.push({ label: `${count} ${JUDGED} watchers: first ${warmup} changes of each new fleet (cold), p50 / max`, value: `${row.coldEndToEndMs.p50} / ${row.coldEndToEndMs.max} ms` });
  }
  if (http2AtGoal) {
    const h = trialStats(http2AtGoal);
    metrics.http2WatchersAt1000 = h;
    summary.push({ label: `${GOAL.watchers} HTTP/2 readers (one trial, not judged): slice write → last watcher, p50 / p99 / max`, value: ms(h.endToEndMs) });
  }
  const pickerRow = (results[String(GOAL.watchers)] ?? results[String(watcherCounts.at(-1))]) as TrialStats | undefined;
  if (pickerRow) summary.push({ label: `picker uses a new backend (at ${results[String(GOAL.watchers)] ? GOAL.watchers : watcherCounts.at(-1)} watchers), p50 / p99`, value: `${pickerRow.pickerMs.p50} / ${pickerRow.pickerMs.p99} ms` });
  await recordResult({
    name: 'propagation',
    params: {
      watcherCounts,
      changesPerTrial: changes,
      warmupChangesPerTrial: warmup,
      minFlushIntervalMs,
      streamsPerChannel: STREAMS_PER_CHANNEL,
      change: 'alternately add and delete an EndpointSlice holding one ready local backend',
      trialsAtJudgedSizes: trialsAtGoal,
      judgedSizes: GOAL.ratioSizes,
      watchers: `${JUDGED} (the client package's LoadBalancerStub, 100 streams per channel); at ${GOAL.watchers} one more trial with bare HTTP/2 readers, not judged`,
      processes: 'control plane alone in a child process; the watchers in two others (new ones per trial); harness, lookaside channel (4 calls in flight) and backends in the parent',
      baseline: 'a bare grpc-js WatchServers server in its own child process writing one new message to every stream in one loop, measured with the same watchers right after each trial',
      backendDelayMs: CALL_DELAY_MS,
      goalsJudgedOn: `the changes after the warm-up of all trials pooled. Ratio: registry write (the control plane's registry.onChange) → the last watcher has the version, p99, over the bare server's write → last watcher p99, at ${GOAL.ratioSizes.join(' and ')} watchers. Absolute: EndpointSlice write in the API harness → the last of ${GOAL.watchers} watchers, p99`,
    },
    metrics,
    goals,
    summary,
  });
  process.exit(0);
}

if (process.argv.includes('--control-plane')) await runControlPlane(process.argv[process.argv.indexOf('--control-plane') + 1]!, numberArgument('min-flush-interval-ms', 100));
else await main();
