// Bench backends and a control plane on the file source in a child process
// of their own, so that what the benchmark's process measures of itself
// (process.cpuUsage) is the client's work alone, and the backends' CPU is
// measured apart. The parent drives the child over IPC:
//
//   parent → { start: { count, delayMs, service } }
//   child  → { started: { names, addresses, controlPlane } }
//                                      the backends (bench/support/call-load.ts
//                                      startBenchBackend) listen; the control
//                                      plane serves them as <service>.bench:grpc
//   parent → { delay: ms }             child → { delayed: ms }
//   parent → { sample: token }         child → { sample: token, calls, connections, cpuMs }
//                                      calls and TCP connections each backend has
//                                      received so far; the child's CPU (user + system)
//   parent → { close: true }           the child stops everything and exits
// The child also exits, cleaning up, when its parent goes (the IPC channel
// closes) or on SIGINT, SIGTERM or SIGHUP.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFileControlPlane, type FileControlPlane } from '../../test/support/file-control-plane.js';
import { startBenchBackend, type BenchBackend } from './call-load.js';

export interface BackendSample {
  /** Calls received, per backend, in start order. */
  readonly calls: readonly number[];
  /** TCP connections accepted, per backend, in start order. */
  readonly connections: readonly number[];
  /** The child's CPU time so far (user + system), in ms. */
  readonly cpuMs: number;
}

type ChildMessage =
  | { started: { names: string[]; addresses: string[]; controlPlane: string } }
  | { delayed: number }
  | ({ sample: number } & BackendSample)
  | { failed: string };

type ParentMessage = { start: { count: number; delayMs: number; service: string } } | { delay: number } | { sample: number } | { close: true };

let nextToken = 0;

/** The parent's handle on the backends' process. */
export class BackendProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** Backend names ("backend-0", …), in start order. */
    readonly names: readonly string[],
    /** "127.0.0.1:port", in start order. */
    readonly addresses: readonly string[],
    /** The control plane's "127.0.0.1:port". */
    readonly controlPlane: string,
  ) {}

  /** Starts `count` backends answering after `delayMs`, and a control plane serving them as `<service>.bench:grpc`. */
  static async start(options: { count: number; delayMs: number; service: string }): Promise<BackendProcess> {
    // This very file: compiled .js, or .ts under tsx (the child inherits the loader).
    const child = fork(fileURLToPath(import.meta.url), ['--bench-backends'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // If this process exits first (an error, Ctrl-C), the child must not
    // stay: SIGTERM lets it close the control plane and remove its
    // registry's temporary directory (it also goes when the IPC channel closes).
    const kill = () => child.kill('SIGTERM');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
    try {
      const started = await BackendProcess.ask(child, { start: options }, (m) => ('started' in m ? m.started : undefined), 30_000);
      return new BackendProcess(child, started.names, started.addresses, started.controlPlane);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  private static ask<T>(child: ChildProcess, message: ParentMessage, match: (m: ChildMessage) => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the backends' process did not answer ${JSON.stringify(message)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: ChildMessage) => {
        if ('failed' in m) {
          done();
          reject(new Error(`the backends' process failed: ${m.failed}`));
          return;
        }
        const value = match(m);
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(new Error(`the backends' process exited (${code ?? signal})`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(message);
    });
  }

  /** Sets every backend's answer delay. */
  async setDelay(ms: number): Promise<void> {
    await BackendProcess.ask(this.child, { delay: ms }, (m) => ('delayed' in m && m.delayed === ms ? true : undefined), 10_000);
  }

  /** Calls and connections per backend so far, and the child's CPU. */
  sample(): Promise<BackendSample> {
    const token = ++nextToken;
    return BackendProcess.ask(this.child, { sample: token }, (m) => ('sample' in m && m.sample === token ? m : undefined), 10_000);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    this.child.send({ close: true });
    await exited;
    clearTimeout(timer);
  }
}

function runChild(): void {
  const backends: BenchBackend[] = [];
  let cp: FileControlPlane | undefined;
  const send = (message: ChildMessage) => process.send!(message);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Never linger: out in 3 s even if closing hangs.
    setTimeout(() => process.exit(1), 3_000).unref();
    await cp?.close().catch(() => undefined);
    for (const b of backends) b.kill();
    process.exit(0);
  };
  // The parent has gone, or asks us to go, or Ctrl-C reached the whole process group.
  process.on('disconnect', () => void stop());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
  process.on('message', (message: ParentMessage) => {
    void (async () => {
      try {
        if ('start' in message) {
          const { count, delayMs, service } = message.start;
          for (let i = 0; i < count; i++) backends.push(await startBenchBackend(`backend-${i}`, delayMs));
          cp = await startFileControlPlane([{ name: service, namespace: 'bench', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b) => ({ address: b.address })) }] }]);
          send({ started: { names: backends.map((b) => b.name), addresses: backends.map((b) => b.address), controlPlane: cp.address } });
        } else if ('delay' in message) {
          for (const b of backends) b.delayMs = message.delay;
          send({ delayed: message.delay });
        } else if ('sample' in message) {
          const cpu = process.cpuUsage();
          send({ sample: message.sample, calls: backends.map((b) => b.calls), connections: backends.map((b) => b.connectionsAccepted), cpuMs: (cpu.user + cpu.system) / 1000 });
        } else if ('close' in message) {
          await stop();
        }
      } catch (error) {
        send({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}

if (process.argv.includes('--bench-backends')) runChild();
