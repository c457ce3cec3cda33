// A backend with a capacity, in a process of its own: it serves `workers`
// calls at a time, each for `serviceMs`, and queues the rest (first in, first
// out), so a backend with half the capacity answers slower once it is loaded,
// as a pod on a smaller node or with a noisy neighbour does. Each answer
// carries an ORCA load report in its trailers (the client package's
// encodeLoadReport: grpc-js 1.14.7's own per-call recorder parses orca.proto
// for every report, about 8 ms of CPU, which would be the backend's real
// bottleneck): the qps it served and its utilization (the share of its
// workers' time that was busy) over the last second, as a real backend would
// compute them.
//
// Why a process each: in one process the backends' work and the client's
// share one event loop and one core, and the client's latency measures that
// contention rather than the balancing. Here each backend has its own loop,
// and its queueing is the only delay it adds.
//
// The parent calls startCapacityBackend(); the child is this same file run
// with --capacity-backend (forked with the parent's exec arguments, so it
// runs the same way under tsx or compiled).

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Metadata, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { LOAD_REPORT_TRAILER, encodeLoadReport } from 'grpc-lookaside-client';
import { IDENTITY_SERVICE } from '../../test/support/identity-backends.js';

export interface CapacitySpec {
  /** Calls served at once. */
  readonly workers: number;
  /** How long one call occupies a worker, in ms. */
  readonly serviceMs: number;
}

export interface CapacityBackend {
  readonly name: string;
  /** "127.0.0.1:port" */
  readonly address: string;
  readonly spec: CapacitySpec;
  /** Calls per second it can serve: workers × 1000 / serviceMs. */
  readonly capacityPerSecond: number;
  kill(): void;
}

const CHILD_FLAG = '--capacity-backend';

export async function startCapacityBackend(name: string, spec: CapacitySpec): Promise<CapacityBackend> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, name, String(spec.workers), String(spec.serviceMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`capacity backend ${name} exited before listening (${code ?? signal})`)));
  });
  // A parent that dies or exits takes its backends with it.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return {
    name,
    address: `127.0.0.1:${port}`,
    spec,
    capacityPerSecond: (spec.workers * 1000) / spec.serviceMs,
    kill() {
      process.off('exit', kill);
      kill();
    },
  };
}

// ---- the child ------------------------------------------------------------

/** Per-100-ms buckets over the last second: calls completed and worker-ms spent. */
class LastSecond {
  private readonly completed = new Array<number>(10).fill(0);
  private readonly busyMs = new Array<number>(10).fill(0);
  private bucket = 0;
  private bucketStartedAt = performance.now();

  record(serviceMs: number): void {
    this.advance();
    this.completed[this.bucket]!++;
    this.busyMs[this.bucket]! += serviceMs;
  }

  /** Calls per second and busy share of `workers` over the last second. */
  read(workers: number): { qps: number; utilization: number } {
    this.advance();
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    return { qps: sum(this.completed), utilization: Math.min(1, sum(this.busyMs) / (workers * 1000)) };
  }

  private advance(): void {
    const now = performance.now();
    while (now - this.bucketStartedAt >= 100) {
      this.bucket = (this.bucket + 1) % 10;
      this.completed[this.bucket] = 0;
      this.busyMs[this.bucket] = 0;
      this.bucketStartedAt += 100;
    }
  }
}

async function runChild(name: string, workers: number, serviceMs: number): Promise<void> {
  const server = new Server();
  const window = new LastSecond();
  const queue: { call: ServerUnaryCall<unknown, unknown>; callback: sendUnaryData<unknown> }[] = [];
  let busy = 0;
  const next = (): void => {
    while (busy < workers && queue.length > 0) {
      const { call, callback } = queue.shift()!;
      // A call its client gave up on (deadline) no longer takes a worker.
      if (call.cancelled) continue;
      busy++;
      const began = performance.now();
      setTimeout(() => {
        busy--;
        // The time the worker was really held: a late timer holds it longer.
        window.record(performance.now() - began);
        const load = window.read(workers);
        const trailer = new Metadata();
        trailer.set(LOAD_REPORT_TRAILER, encodeLoadReport({ qps: load.qps, applicationUtilization: load.utilization }));
        callback(null, { backend: name }, trailer);
        next();
      }, serviceMs);
    }
  };
  server.addService(IDENTITY_SERVICE, {
    Who: (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      queue.push({ call, callback });
      next();
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  process.send!({ port });
  // Orphaned (the parent was killed): exit rather than linger.
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[2] === CHILD_FLAG) {
  const [name, workers, serviceMs] = process.argv.slice(3);
  await runChild(name!, Number(workers), Number(serviceMs));
}
