// A fleet of WatchServers clients in a child process, so that what a
// benchmark measures in its own process (CPU, RSS) is the control plane's
// alone. The parent drives it over IPC:
//
//   parent → { open: { address, watchers, channels, service, port } }
//   child  → { opened: n }              every watcher has its first message
//   parent → { await: version }
//   child  → { reached: version }       every watcher has seen >= version
//   parent → { close: true }            the child cancels everything and exits

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LoadBalancerStub, toServersUpdate } from '../../src/client/load-balancer-stub.js';

interface OpenCommand {
  readonly address: string;
  readonly watchers: number;
  readonly channels: number;
  readonly service: string;
  readonly port: string;
}

type FleetMessage = { opened: number } | { reached: number };

/** The parent's handle on a fleet. */
export class WatcherFleet {
  private constructor(private readonly child: ChildProcess) {}

  static start(): WatcherFleet {
    // This very file: compiled .js, or .ts under tsx (the child inherits the loader).
    const child = fork(fileURLToPath(import.meta.url), ['--fleet'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new WatcherFleet(child);
  }

  private next<T extends FleetMessage>(match: (m: FleetMessage) => m is T, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the watcher fleet did not answer within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (message: FleetMessage) => {
        if (!match(message)) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
    });
  }

  /** Opens the watchers and resolves once each has its first message. */
  async open(command: OpenCommand, timeoutMs = 120_000): Promise<void> {
    const opened = this.next((m): m is { opened: number } => 'opened' in m, timeoutMs);
    this.child.send({ open: command });
    await opened;
  }

  /** Resolves when every watcher has seen `version` or a later one. */
  async reached(version: number, timeoutMs = 60_000): Promise<void> {
    const reached = this.next((m): m is { reached: number } => 'reached' in m && m.reached === version, timeoutMs);
    this.child.send({ await: version });
    await reached;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ close: true });
    await exited;
  }
}

function runFleet(): void {
  const stubs: LoadBalancerStub[] = [];
  let latest: number[] = [];
  let opened = 0;
  let total = 0;
  let awaiting: number | undefined;
  const check = () => {
    if (awaiting === undefined) return;
    for (const version of latest) if (version < awaiting) return;
    process.send!({ reached: awaiting });
    awaiting = undefined;
  };
  const calls: { cancel(): void }[] = [];
  process.on('message', (message: { open?: OpenCommand; await?: number; close?: boolean }) => {
    if (message.open) {
      const { address, watchers, channels, service, port } = message.open;
      total = watchers;
      latest = new Array<number>(watchers).fill(-1);
      for (let c = 0; c < channels; c++) stubs.push(new LoadBalancerStub(address, undefined, { 'grpc.use_local_subchannel_pool': 1 }));
      for (let w = 0; w < watchers; w++) {
        const call = stubs[w % channels]!.watchServers({ service, port });
        calls.push(call);
        call.on('data', (raw) => {
          const first = latest[w] === -1;
          latest[w] = toServersUpdate(raw as Parameters<typeof toServersUpdate>[0]).version;
          if (first && ++opened === total) process.send!({ opened });
          check();
        });
        call.on('error', () => {});
      }
    }
    if (message.await !== undefined) {
      awaiting = message.await;
      check();
    }
    if (message.close) {
      for (const call of calls) call.cancel();
      for (const stub of stubs) stub.close();
      process.disconnect();
      setImmediate(() => process.exit(0));
    }
  });
}

if (process.argv.includes('--fleet')) runFleet();
