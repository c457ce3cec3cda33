// The propagation baseline: a bare grpc-js server that serves
// lookaside.v1.LoadBalancer/WatchServers with nothing behind it. On command
// it encodes one new version and writes it to every open stream in one
// loop: no registry, no discovery, no pacing, no metrics. The time from that
// command to the last watcher is what grpc-js, HTTP/2 and the watchers cost
// on this machine at that moment; the control plane's time is compared with
// it in the same run.
//
//   parent → { publish: version }   child → { published: version, at }
//
// It runs in a child process of its own, as the control plane does.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials, type ServerWritableStream } from '@grpc/grpc-js';
import { loadBalancerDefinition } from '../../src/server/lookaside/proto-definitions.js';
import type { ServersResponse } from '../../src/server/lookaside/snapshot-encoder.js';
import { epochNow } from './watcher-fleet.js';

interface BareServerOptions {
  /** What every message names as its target. */
  readonly service: string;
  readonly port: string;
  /** The backends each message lists, "host:port". */
  readonly addresses: readonly string[];
}

type ChildMessage = { ready: number } | { published: number; at: number };

/** The parent's handle on a bare WatchServers server in a child process. */
export class BareWatchServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(options: BareServerOptions): Promise<BareWatchServer> {
    const child = fork(fileURLToPath(import.meta.url), ['--bare-watch-server', JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bare WatchServers server did not start within 30 s')), 30_000);
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if ('ready' in message) resolve(message.ready);
        else reject(new Error(`unexpected first message from the bare server: ${JSON.stringify(message)}`));
      });
      child.once('exit', (code) => reject(new Error(`the bare WatchServers server exited with ${code}`)));
    });
    return new BareWatchServer(child, port);
  }

  /** Writes `version` to every stream; resolves with when the server got the command (epochNow()). */
  publish(version: number): Promise<number> {
    return new Promise((resolve) => {
      const onMessage = (message: ChildMessage) => {
        if (!('published' in message) || message.published !== version) return;
        this.child.off('message', onMessage);
        resolve(message.at);
      };
      this.child.on('message', onMessage);
      this.child.send({ publish: version });
    });
  }

  /** The child's process id, to read its CPU time. */
  get pid(): number {
    return this.child.pid!;
  }

  stop(): void {
    this.child.disconnect();
  }
}

async function runBareServer(options: BareServerOptions): Promise<void> {
  // The control plane's own serializer: the same bytes it would send.
  const serialize = loadBalancerDefinition().WatchServers!.responseSerialize as (value: ServersResponse) => Buffer;
  const encode = (version: number) =>
    serialize({
      target: { service: options.service, port: options.port },
      version: String(version),
      exists: true,
      servers: options.addresses.map((address, i) => ({ address, weight: 100, zone: '', metadata: { pod: `bare-${i}` } })),
    });
  const streams = new Set<ServerWritableStream<unknown, Buffer>>();
  let current = encode(1);
  const server = new Server({ 'grpc.enable_channelz': 0 });
  server.addService(
    {
      WatchServers: {
        path: '/lookaside.v1.LoadBalancer/WatchServers',
        requestStream: false,
        responseStream: true,
        requestSerialize: () => Buffer.alloc(0),
        requestDeserialize: () => ({}),
        responseSerialize: (bytes: Buffer) => bytes,
        responseDeserialize: (bytes: Buffer) => bytes,
      },
    },
    {
      WatchServers: (call: ServerWritableStream<unknown, Buffer>) => {
        streams.add(call);
        const forget = () => streams.delete(call);
        call.on('cancelled', forget);
        call.on('error', forget);
        call.write(current);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  process.on('message', (message: { publish?: number }) => {
    if (message.publish === undefined) return;
    const at = epochNow();
    current = encode(message.publish);
    for (const stream of streams) stream.write(current);
    process.send!({ published: message.publish, at } satisfies ChildMessage);
  });
  process.on('disconnect', () => {
    server.forceShutdown();
    process.exit(0);
  });
  process.send!({ ready: port } satisfies ChildMessage);
}

const flag = process.argv.indexOf('--bare-watch-server');
if (flag >= 0) await runBareServer(JSON.parse(process.argv[flag + 1]!) as BareServerOptions);
