// One measured run of a control plane under reporting clients, for the load
// report benchmarks (bench/load-reports.ts for xDS clients,
// bench/lookaside-load-reports.ts for lookaside clients). The control plane
// runs in this process on busy.default (10 backends); the clients run in a
// child process (the benchmark's own file, with the arguments it names), so
// this process's CPU over the window is the control plane's alone, and its
// heap after a full GC the control plane's memory.
//
//   child  → { ready: true }    every client has its first answer
//   child  → { error: text }    a client's stream failed
//   parent → { close: true }    the child cancels everything and exits

import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import pino from 'pino';
import { ControlPlane } from '../../src/control-plane.js';
import { busyService, StaticSource } from './bench-control-plane.js';
import { rssMiB } from './bench-result.js';

export interface ReportCostRun {
  /** The control plane's CPU over the window, in ms per second. */
  readonly cpuMsPerSecond: number;
  /** The window's length, in seconds (for pooling trials). */
  readonly seconds: number;
  readonly heapMiB: number;
  readonly rssMiB: number;
  /** Reports handed to the observer in the window. */
  readonly reportsSeen: number;
  readonly backendsTracked: number;
  /** The machine's 1-minute load average at the end of the window. */
  readonly loadAverage: number;
}

export interface ReportCostOptions {
  /** The benchmark's file: the child runs it with --clients-of ADDRESS, and --reports when reports are on. */
  readonly script: string;
  /** The report interval the control plane sets, when reports are on. */
  readonly intervalMs: number;
  /** The measured window. */
  readonly seconds: number;
}

/** In the child: the control plane to connect to and whether to report; undefined in the parent. */
export function clientRole(): { readonly address: string; readonly withReports: boolean } | undefined {
  const index = process.argv.indexOf('--clients-of');
  if (index < 0) return undefined;
  return { address: process.argv[index + 1]!, withReports: process.argv.includes('--reports') };
}

/** The heap after full GCs, with a pause between for finalizers. */
export async function settledHeapMiB(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** One run of the control plane with reports on or off, measured over the window. */
export async function measureReportCost(options: ReportCostOptions, withReports: boolean): Promise<ReportCostRun> {
  let reportsSeen = 0;
  const controlPlane = await ControlPlane.start({
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => new StaticSource(registry, [busyService(0)]),
    loadReports: withReports ? { intervalMs: options.intervalMs, hooks: { onLoadReport: () => reportsSeen++ } } : false,
  });
  const child = fork(options.script, ['--clients-of', `127.0.0.1:${controlPlane.port}`, ...(withReports ? ['--reports'] : []), ...process.argv.slice(2)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.execArgv,
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; error?: string }) => {
      if (message.ready) resolve();
      if (message.error) reject(new Error(message.error));
    });
    child.once('exit', (code) => reject(new Error(`the client process exited with ${code}`)));
  });
  // Let the reporters' first interval pass, then measure a steady window.
  await new Promise((resolve) => setTimeout(resolve, 2 * options.intervalMs));
  const seenBefore = reportsSeen;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = (performance.now() - started) / 1000;
  // Counted at the window's end: reports that arrive while the heap settles are not the window's.
  const reportsInWindow = reportsSeen - seenBefore;
  const heapMiB = await settledHeapMiB();
  const result = {
    cpuMsPerSecond: (cpu.user + cpu.system) / 1000 / elapsed,
    seconds: elapsed,
    heapMiB,
    rssMiB: rssMiB(),
    reportsSeen: reportsInWindow,
    backendsTracked: controlPlane.observer.trackedBackends,
    loadAverage: loadavg()[0]!,
  };
  child.send({ close: true });
  await new Promise((resolve) => child.once('exit', resolve));
  await controlPlane.stop(1_000);
  return result;
}

/** In the child: when the parent says so, cancels the streams, closes the connections and exits. */
export function closeOnRequest(streams: readonly { cancel(): void }[], connections: readonly { close(): void }[]): void {
  process.on('message', (message: { close?: boolean }) => {
    if (!message.close) return;
    for (const stream of streams) stream.cancel();
    for (const connection of connections) connection.close();
    process.exit(0);
  });
}
