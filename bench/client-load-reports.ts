// The lookaside client's cost per call of load reports: CPU per call of
// lookaside channels whose registration reports (lookaside.v1 ReportLoad,
// the default) against one whose registration does not
// (`loadReports: false`), in the same run and process.
//
//   npm run bench -- client-load-reports [--quick] [--trials 10] [--calls 5000]
//
// A child process runs the control plane (reports every second, ten times
// the default rate) and three backends weighted 1:2:3, so this process's
// CPU is the client's alone: its channels, its policies' counting, its
// report stream. Both registrations live here side by side (schemes
// lookaside-on and lookaside-off), each with its own channel; trials
// alternate between them (on, off, off, on, ...) so drift of the shared
// machine's load falls on both, and every trial's CPU and calls are pooled
// per side: the figure is total CPU over total calls, with the spread of the
// trials beside it.
//
// The whole call's CPU on a shared 2-core machine is noisy, so the counting
// itself is also timed alone, in the same run: a pick's result counted by
// the policies' countCall, its start and its end, against the same without
// counting, over millions of picks (no network, no grpc-js call).

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { registerLookaside } from 'grpc-lookaside-client';
import { ControlPlane } from '../src/control-plane.js';
import { IdentityClient, startIdentityBackends } from '../test/support/identity-backends.js';
import { StaticSource } from './support/bench-control-plane.js';
import { argument, quick, recordResult } from './support/bench-result.js';
import type { experimental } from '@grpc/grpc-js';
import { CallLoadCounters } from '../packages/client/src/control-plane/call-load-counters.js';
import { countCall } from '../packages/client/src/policies/call-counting.js';
import { PickResultType } from '../packages/client/src/grpc/grpc-module.js';

const TRIALS = argument('trials', quick ? 4 : 10);
const CALLS = argument('calls', quick ? 2_000 : 5_000);
const CONCURRENCY = 16;
const INTERVAL_MS = 1_000;
const TARGET = 'cost.bench:8080';

/** The child: three backends and a control plane that takes reports. */
async function serve(): Promise<void> {
  const backends = await startIdentityBackends(3, 'cost');
  let reports = 0;
  const controlPlane = await ControlPlane.start({
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) =>
      new StaticSource(registry, [{ name: 'cost', namespace: 'bench', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ host: '127.0.0.1', port: b.port, weight: (i + 1) * 100 })) }] }]),
    loadReports: {
      intervalMs: INTERVAL_MS,
      hooks: {
        onLoadReport: (reporter) => {
          if (reporter.protocol === 'lookaside') reports++;
        },
      },
    },
  });
  process.send!({ address: `127.0.0.1:${controlPlane.port}` });
  process.on('message', async (message: { close?: boolean; reports?: boolean }) => {
    if (message.reports) process.send!({ reports });
    if (!message.close) return;
    await controlPlane.stop(1_000);
    await Promise.all(backends.map((b) => b.stop()));
    process.exit(0);
  });
}

interface Side {
  readonly client: IdentityClient;
  cpuUs: number;
  calls: number;
  readonly perTrial: number[];
}

async function trial(side: Side): Promise<void> {
  const before = process.cpuUsage();
  const { failures } = await side.client.spread(CALLS, CONCURRENCY, { timeoutMs: 30_000 });
  const cpu = process.cpuUsage(before);
  if (failures.length > 0) throw new Error(`${failures.length} calls failed: ${failures[0]!.message}`);
  const us = cpu.user + cpu.system;
  side.cpuUs += us;
  side.calls += CALLS;
  side.perTrial.push(us / CALLS);
}

const PICKS = argument('picks', quick ? 500_000 : 4_000_000);

/** Nanoseconds per pick of the counting alone: rounds alternate counted and not, each side's time pooled. */
function countingNsPerPick(): { counted: number; baseline: number } {
  const subchannel = { getAddress: () => '127.0.0.1:8080' } as unknown as experimental.SubchannelInterface;
  const counters = new CallLoadCounters();
  const totals = { counted: 0n, baseline: 0n };
  let ended = 0;
  const round = (count: boolean) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < PICKS / 10; i++) {
      // A fresh result per pick, as the leaf's picker makes it.
      const result: experimental.PickResult = { pickResultType: PickResultType.COMPLETE, subchannel, status: null, onCallStarted: null, onCallEnded: null };
      const picked = count ? countCall(result, counters, TARGET) : result;
      picked.onCallStarted?.();
      picked.onCallEnded?.(0, '', null as never);
      ended++;
    }
    totals[count ? 'counted' : 'baseline'] += process.hrtime.bigint() - started;
  };
  for (let i = 0; i < 10; i++) {
    round(i % 2 === 0);
    round(i % 2 !== 0);
  }
  const taken = counters.take().get(TARGET)?.[0];
  if (taken?.issued !== PICKS || ended !== PICKS * 2) throw new Error(`counted ${taken?.issued} of ${PICKS} calls`);
  return { counted: Number(totals.counted) / PICKS, baseline: Number(totals.baseline) / PICKS };
}

if (process.argv.includes('--serve')) {
  await serve();
} else {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
  const address = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { address: string }) => resolve(message.address));
    child.once('exit', (code) => reject(new Error(`the control plane process exited with ${code}`)));
  });
  const on = registerLookaside({ scheme: 'lookaside-on', controlPlane: address, client: { clientId: 'bench-on' } });
  const off = registerLookaside({ scheme: 'lookaside-off', controlPlane: address, client: { clientId: 'bench-off' }, loadReports: false });
  const sides = {
    on: { client: new IdentityClient(`lookaside-on:///${TARGET}`), cpuUs: 0, calls: 0, perTrial: [] } as Side,
    off: { client: new IdentityClient(`lookaside-off:///${TARGET}`), cpuUs: 0, calls: 0, perTrial: [] } as Side,
  };
  // Warm both paths (connections, JIT), not kept.
  for (const side of [sides.on, sides.off]) await side.client.spread(2_000, CONCURRENCY, { timeoutMs: 30_000 });
  for (let i = 0; i < TRIALS; i++) {
    // on, off, off, on, on, off, ...: neither side always goes first.
    const order = i % 2 === 0 ? [sides.on, sides.off] : [sides.off, sides.on];
    for (const side of order) await trial(side);
  }
  child.send({ reports: true });
  const reports = await new Promise<number>((resolve) => child.once('message', (message: { reports: number }) => resolve(message.reports)));
  for (const side of [sides.on, sides.off]) side.client.close();
  on.close();
  off.close();
  child.send({ close: true });
  await new Promise((resolve) => child.once('exit', resolve));
  if (reports === 0) throw new Error('the control plane received no load report from the reporting registration');

  const counting = countingNsPerPick();
  const pooledOn = sides.on.cpuUs / sides.on.calls;
  const pooledOff = sides.off.cpuUs / sides.off.calls;
  const range = (values: number[]) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  await recordResult({
    name: 'client-load-reports',
    params: { trialsPerSide: TRIALS, callsPerTrial: CALLS, picksPerSide: PICKS, concurrency: CONCURRENCY, reportIntervalMs: INTERVAL_MS, backends: 3 },
    metrics: {
      clientUsPerCallReportsOff: Number(pooledOff.toFixed(2)),
      clientUsPerCallReportsOn: Number(pooledOn.toFixed(2)),
      ratio: Number((pooledOn / pooledOff).toFixed(3)),
      extraUsPerCall: Number((pooledOn - pooledOff).toFixed(2)),
      trialsOff: sides.off.perTrial.map((value) => Number(value.toFixed(2))),
      trialsOn: sides.on.perTrial.map((value) => Number(value.toFixed(2))),
      reportsReceived: reports,
      countingNsPerPick: Number((counting.counted - counting.baseline).toFixed(1)),
      pickNsWithoutCounting: Number(counting.baseline.toFixed(1)),
      pickNsWithCounting: Number(counting.counted.toFixed(1)),
    },
    summary: [
      { label: `lookaside client CPU per call, reports off (${TRIALS} × ${CALLS} calls pooled)`, value: `${pooledOff.toFixed(1)} µs (trials ${range(sides.off.perTrial)})` },
      { label: 'the same with reports on (every 1 s)', value: `${pooledOn.toFixed(1)} µs (trials ${range(sides.on.perTrial)}), x${(pooledOn / pooledOff).toFixed(3)}` },
      { label: `the counting alone, per call (${PICKS} picks per side, pooled)`, value: `${(counting.counted - counting.baseline).toFixed(1)} ns (${counting.counted.toFixed(1)} against ${counting.baseline.toFixed(1)} ns)` },
    ],
  });
}
