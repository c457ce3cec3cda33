// Client scale: what a big server list costs the application that uses it.
//
//   npx tsx bench/client-scale.ts [--quick] [--sizes 1000,10000,50000] [--rounds 3] [--settle-s 5] [--first-call-s 120]
//
// A control plane in its own process (so its work does not count here)
// serves one Service per size: one live backend and the rest closed
// loopback ports (127.x.y.z, a port nothing listens on), whose connections
// are refused. For each size, a fresh lookaside channel makes its first
// call (waitForReady) and then keeps going for --settle-s seconds while
// every other backend fails to connect. Measured in this process: the time
// to the first answer, the longest event-loop stall (perf_hooks'
// monitorEventLoopDelay and a 10 ms timer's lag, whichever is longer), and
// the longest wait of a signal (SIGUSR2 sent to itself every 50 ms) for its
// handler, which is what SIGTERM would wait for. Each size is measured
// --rounds times, sizes in turn, and the median round reported: on a shared
// machine a stall also counts the time the process was not scheduled.
//
// A list of 10 is measured first and not reported: it pays the process's
// one-time costs (loading and compiling the client, the first stream), which
// would otherwise be charged to the first size.
//
// Goals (issue 25): the stall at 10,000 backends at most 10 times the stall
// at 1,000 (linear in the size of an update); at 50,000 the first call
// answers within 5 s.

import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { connectivityState } from '@grpc/grpc-js';
import { registerLookaside } from 'grpc-lookaside-client';
import { ControlPlane } from '../src/control-plane.js';
import type { ServiceSpec } from '../src/registry/snapshot.js';
import { IdentityClient } from '../test/support/identity-backends.js';
import { argument, listArgument, quick, recordResult } from './support/bench-result.js';
import { StaticSource } from './support/bench-control-plane.js';
import { closedHost, closedPort } from './support/closed-backends.js';
import { round, startBenchBackend, type BenchBackend } from './support/call-load.js';

const NAMESPACE = 'scale';

function scaleService(size: number, live: { host: string; port: number }, refusedPort: number): ServiceSpec {
  const backends = Array.from({ length: size - 1 }, (_, i) => ({ host: closedHost(i), port: refusedPort, weight: 100 }));
  // The live backend last: nothing about its place helps it.
  backends.push({ host: live.host, port: live.port, weight: 100 });
  return { name: `n${size}`, namespace: NAMESPACE, ports: [{ name: 'grpc', port: 50051, backends }] };
}

// ---- the control plane's process --------------------------------------------

async function controlPlaneProcess(): Promise<void> {
  const [sizes, liveHost, livePort, refusedPort] = process.argv.slice(process.argv.indexOf('--control-plane') + 1);
  const services = sizes!.split(',').map((size) => scaleService(Number(size), { host: liveHost!, port: Number(livePort) }, Number(refusedPort)));
  const controlPlane = await ControlPlane.start({ logger: pino({ level: 'silent' }), host: '127.0.0.1', port: 0, createSource: (registry) => new StaticSource(registry, services) });
  process.send!({ port: controlPlane.port });
  process.on('disconnect', () => {
    void controlPlane.stop(1_000).then(() => process.exit(0));
  });
}

// ---- the application's process ----------------------------------------------

async function startControlPlaneProcess(sizes: readonly number[], live: string, closed: number): Promise<{ child: ChildProcess; port: number }> {
  const [host, port] = live.split(':');
  const child = fork(fileURLToPath(import.meta.url), ['--control-plane', sizes.join(','), host!, port!, String(closed)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const cpPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the control plane did not start within 60 s')), 60_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code) => reject(new Error(`the control plane exited with ${code}`)));
  });
  return { child, port: cpPort };
}

/** Watches this process's responsiveness: event-loop delay, a timer's lag, and how long a signal waits for its handler. */
function startResponsivenessProbe() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let timerLagMax = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    timerLagMax = Math.max(timerLagMax, now - last - 10);
    last = now;
  }, 10);
  let signalWaitMax = 0;
  let sentAt: number | undefined;
  const onSignal = () => {
    if (sentAt !== undefined) signalWaitMax = Math.max(signalWaitMax, performance.now() - sentAt);
    sentAt = undefined;
  };
  process.on('SIGUSR2', onSignal);
  // The sender runs on its own timer; a signal already pending is not sent again.
  const sender = setInterval(() => {
    if (sentAt !== undefined) return;
    sentAt = performance.now();
    process.kill(process.pid, 'SIGUSR2');
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      clearInterval(sender);
      process.off('SIGUSR2', onSignal);
      histogram.disable();
      // A signal still pending has waited since it was sent.
      if (sentAt !== undefined) signalWaitMax = Math.max(signalWaitMax, performance.now() - sentAt);
      return { stallMs: round(Math.max(histogram.max / 1e6, timerLagMax), 0), signalWaitMs: round(signalWaitMax, 0) };
    },
  };
}

interface SizeResult {
  readonly backends: number;
  /** ms from creating the channel to the first answer; undefined if none came in time. */
  readonly firstCallMs: number | undefined;
  readonly firstCallError?: string;
  readonly stallMs: number;
  readonly signalWaitMs: number;
}

async function measure(size: number, live: BenchBackend, settleS: number, firstCallS: number): Promise<SizeResult> {
  const liveName = live.name;
  const acceptedBefore = live.connectionsAccepted;
  const probe = startResponsivenessProbe();
  const started = performance.now();
  const client = new IdentityClient(`lookaside:///n${size}.${NAMESPACE}:grpc`, { 'grpc.use_local_subchannel_pool': 1 });
  let firstCallMs: number | undefined;
  let firstCallError: string | undefined;
  try {
    const backend = await client.who({ waitForReady: true, timeoutMs: firstCallS * 1_000 });
    if (backend !== liveName) throw new Error(`the first call was answered by ${backend}`);
    firstCallMs = round(performance.now() - started, 0);
  } catch (error) {
    firstCallError = `${(error as Error).message}; channel ${connectivityState[client.raw.getChannel().getConnectivityState(false)]}, live backend accepted ${live.connectionsAccepted - acceptedBefore} connections`;
  }
  // Keep calling while the other backends fail to connect.
  const until = performance.now() + settleS * 1_000;
  while (performance.now() < until) {
    await client.who({ timeoutMs: 10_000 }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { stallMs, signalWaitMs } = probe.stop();
  client.close();
  // Let the closed channel's subchannels go before the next size.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return { backends: size, firstCallMs, ...(firstCallError !== undefined && { firstCallError }), stallMs, signalWaitMs };
}

/** The round with the median longest stall; a round without a first call counts as the longest. */
function medianRound(rounds: readonly SizeResult[]): SizeResult {
  const key = (r: SizeResult) => (r.firstCallMs === undefined ? Number.POSITIVE_INFINITY : r.stallMs);
  return [...rounds].sort((a, b) => key(a) - key(b))[Math.floor((rounds.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const sizes = listArgument('sizes', quick ? [1_000, 4_000] : [1_000, 10_000, 50_000]);
  const WARM_UP_SIZE = 10;
  const settleS = argument('settle-s', quick ? 2 : 5);
  const rounds = argument('rounds', quick ? 1 : 3);
  const firstCallS = argument('first-call-s', 120);
  const live = await startBenchBackend('live');
  const closed = await closedPort();
  const { child, port } = await startControlPlaneProcess([WARM_UP_SIZE, ...sizes], live.address, closed);
  const registration = registerLookaside({ controlPlane: `127.0.0.1:${port}`, startTimeoutMs: 60_000 });
  const results: SizeResult[] = [];
  let allRounds: Record<number, SizeResult[]> | undefined;
  try {
    await measure(WARM_UP_SIZE, live, 1, firstCallS);
    const rawRounds = new Map<number, SizeResult[]>(sizes.map((size) => [size, []]));
    for (let round = 0; round < rounds; round++) {
      for (const size of sizes) {
        const result = await measure(size, live, settleS, firstCallS);
        console.log(`  round ${round + 1}, ${size} backends: first call ${result.firstCallMs ?? `none within ${firstCallS} s (${result.firstCallError})`} ms, longest stall ${result.stallMs} ms, longest signal wait ${result.signalWaitMs} ms`);
        rawRounds.get(size)!.push(result);
      }
    }
    for (const size of sizes) results.push(medianRound(rawRounds.get(size)!));
    allRounds = Object.fromEntries(rawRounds);
  } finally {
    registration.close();
    child.disconnect();
    await live.stop();
  }
  const bySize = new Map(results.map((r) => [r.backends, r]));
  const small = bySize.get(1_000);
  const medium = bySize.get(10_000);
  const large = bySize.get(50_000);
  const ratio = small && medium ? round(medium.stallMs / Math.max(small.stallMs, 1), 1) : undefined;
  const firstCallAtLarge = large?.firstCallMs ?? (large ? Number.POSITIVE_INFINITY : undefined);
  await recordResult({
    name: 'client-scale',
    params: { sizes, rounds, settleS, firstCallS, live: 1, closedPort: 'refused on 127.x.y.z' },
    metrics: {
      bySize: Object.fromEntries(results.map((r) => [r.backends, r])),
      rounds: allRounds ?? {},
      ...(ratio !== undefined && { stallRatio10kTo1k: ratio }),
      ...(firstCallAtLarge !== undefined && { firstCallMs50k: firstCallAtLarge }),
    },
    goals: [...(ratio !== undefined ? [{ metric: 'stallRatio10kTo1k', op: '<=' as const, limit: 10 }] : []), ...(firstCallAtLarge !== undefined ? [{ metric: 'firstCallMs50k', op: '<=' as const, limit: 5_000 }] : [])],
    summary: [
      ...results.map((r) => ({
        label: `${r.backends.toLocaleString('en')} backends (1 live): first call / longest stall / longest signal wait, median of ${rounds} rounds`,
        value: `${r.firstCallMs === undefined ? `none in ${firstCallS} s` : `${r.firstCallMs} ms`} / ${r.stallMs} ms / ${r.signalWaitMs} ms`,
      })),
      ...(ratio !== undefined ? [{ label: 'longest stall, 10,000 backends over 1,000', value: `${ratio}×`, goal: '≤ 10×', met: ratio <= 10 }] : []),
      ...(firstCallAtLarge !== undefined ? [{ label: 'first call with 50,000 backends', value: Number.isFinite(firstCallAtLarge) ? `${firstCallAtLarge} ms` : 'none', goal: '≤ 5 s', met: firstCallAtLarge <= 5_000 }] : []),
    ],
  });
}

if (process.argv.includes('--control-plane')) await controlPlaneProcess();
else await main();
