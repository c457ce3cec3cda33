// Real grpc-js backends on 127.0.0.1 that answer with their own name, so a
// test can see where each call went. Connections are accepted by a plain TCP
// server and handed to grpc-js, which lets a test count, on the server side,
// how many connections each backend has received.

import { createServer, type Server as NetServer, type Socket } from 'node:net';
import {
  Metadata,
  Server,
  ServerCredentials,
  credentials,
  makeGenericClientConstructor,
  status,
  type ChannelOptions,
  type Client,
  type ServiceDefinition,
  type ServiceError,
  type ConnectionInjector,
} from '@grpc/grpc-js';

interface WhoRequest {
  readonly payload?: string;
}
interface WhoReply {
  readonly backend: string;
}

const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
};

/** A one-method test service: Who returns the name of the backend that served it. */
export const IDENTITY_SERVICE: ServiceDefinition = {
  Who: {
    path: '/lookaside.test.Identity/Who',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

export type BackendMode = 'answer' | 'fail' | 'hold';

export interface IdentityBackend {
  readonly name: string;
  readonly port: number;
  /** "host:port" ("127.0.0.1:port" unless started with another host) */
  readonly address: string;
  /** Calls this backend has received. */
  readonly calls: number;
  /** TCP connections this backend has accepted, ever. */
  readonly connectionsAccepted: number;
  /** TCP connections open now. */
  readonly connectionsOpen: number;
  /** Calls received and not answered yet (mode 'hold'). */
  readonly held: number;
  /** performance.now() of the first call received (since resetFirstCall()), or undefined. */
  readonly firstCallAt: number | undefined;
  /** 'answer' replies (after delayMs); 'fail' answers INTERNAL; 'hold' keeps calls until release(). */
  mode: BackendMode;
  /** Milliseconds each answer waits; 0 answers at once. */
  delayMs: number;
  /** Forgets firstCallAt, so the next call sets it again. */
  resetFirstCall(): void;
  /** Answers every held call. */
  release(): void;
  /** Stops accepting, lets calls finish, closes connections. */
  stop(): Promise<void>;
  /** Ends every connection at once and stops listening, as a process that exits. */
  kill(): void;
}

/**
 * `host` is the IPv4 address to listen on, 127.0.0.1 by default; another
 * loopback address (127.0.0.2, ...) lets several backends share one port, as
 * the pods behind a headless Service do.
 */
export async function startIdentityBackend(name: string, options: { mode?: BackendMode; port?: number; delayMs?: number; host?: string } = {}): Promise<IdentityBackend> {
  const host = options.host ?? '127.0.0.1';
  const server = new Server();
  let calls = 0;
  let accepted = 0;
  let firstCallAt: number | undefined;
  const sockets = new Set<Socket>();
  const heldCalls: (() => void)[] = [];
  const state = { mode: options.mode ?? ('answer' as BackendMode), delayMs: options.delayMs ?? 0 };
  server.addService(IDENTITY_SERVICE, {
    Who: (_call: unknown, callback: (error: Partial<ServiceError> | null, value?: WhoReply) => void) => {
      calls++;
      firstCallAt ??= performance.now();
      if (state.mode === 'fail') return callback({ code: status.INTERNAL, details: `${name} fails on purpose` });
      if (state.mode === 'hold') {
        heldCalls.push(() => callback(null, { backend: name }));
        return;
      }
      if (state.delayMs <= 0) return callback(null, { backend: name });
      setTimeout(() => callback(null, { backend: name }), state.delayMs);
    },
  });
  const injector: ConnectionInjector = server.createConnectionInjector(ServerCredentials.createInsecure());
  const tcp: NetServer = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    injector.injectConnection(socket);
  });
  const port = await new Promise<number>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port ?? 0, host, () => {
      const address = tcp.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  let stopping: Promise<void> | undefined;
  const backend: IdentityBackend = {
    name,
    port,
    address: `${host}:${port}`,
    get calls() {
      return calls;
    },
    get connectionsAccepted() {
      return accepted;
    },
    get connectionsOpen() {
      return sockets.size;
    },
    get held() {
      return heldCalls.length;
    },
    get firstCallAt() {
      return firstCallAt;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    resetFirstCall() {
      firstCallAt = undefined;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode: BackendMode) {
      state.mode = mode;
    },
    release() {
      for (const answer of heldCalls.splice(0)) answer();
    },
    stop() {
      stopping ??= (async () => {
        backend.release();
        await new Promise<void>((resolve) => {
          tcp.close(() => resolve());
          injector.drain(1_000);
          const timer = setTimeout(() => {
            for (const socket of sockets) socket.destroy();
          }, 1_500);
          timer.unref();
        });
        server.forceShutdown();
      })();
      return stopping;
    },
    kill() {
      stopping ??= Promise.resolve();
      tcp.close();
      for (const socket of sockets) socket.destroy();
      server.forceShutdown();
    },
  };
  return backend;
}

export async function startIdentityBackends(count: number, prefix = 'backend'): Promise<IdentityBackend[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startIdentityBackend(`${prefix}-${i}`)));
}

type RawIdentityClient = Client & {
  Who(request: WhoRequest, metadata: Metadata, options: object, callback: (error: ServiceError | null, reply?: WhoReply) => void): void;
};
const IdentityClientConstructor = makeGenericClientConstructor(IDENTITY_SERVICE, 'Identity') as unknown as new (target: string, creds: ReturnType<typeof credentials.createInsecure>, options?: ChannelOptions) => RawIdentityClient;

export class IdentityClient {
  readonly raw: RawIdentityClient;

  constructor(target: string, options: ChannelOptions = {}) {
    this.raw = new IdentityClientConstructor(target, credentials.createInsecure(), options);
  }

  /** One call; resolves with the name of the backend that answered. */
  who(options: { timeoutMs?: number; waitForReady?: boolean; headers?: Record<string, string> } = {}): Promise<string> {
    const metadata = new Metadata();
    if (options.waitForReady) metadata.setOptions({ waitForReady: true });
    for (const [key, value] of Object.entries(options.headers ?? {})) metadata.set(key, value);
    return new Promise((resolve, reject) => {
      this.raw.Who({}, metadata, { deadline: Date.now() + (options.timeoutMs ?? 5_000) }, (error, reply) => {
        if (error) reject(error);
        else resolve(reply!.backend);
      });
    });
  }

  /**
   * `total` calls with at most `concurrency` in flight; counts answers per
   * backend and collects failures (never throws for a failed call).
   */
  async spread(total: number, concurrency = 32, options: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<{ counts: Map<string, number>; failures: ServiceError[] }> {
    const counts = new Map<string, number>();
    const failures: ServiceError[] = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        try {
          const backend = await this.who(options);
          counts.set(backend, (counts.get(backend) ?? 0) + 1);
        } catch (error) {
          failures.push(error as ServiceError);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    return { counts, failures };
  }

  close(): void {
    this.raw.close();
  }
}

export { waitFor } from './wait-until.js';
