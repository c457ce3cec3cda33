// Real grpc-js backends on 127.0.0.1 for `lookaside doctor`, each with one
// way of being unwell: healthy, without a health service, NOT_SERVING, or
// answering health checks slowly; and an address that refuses connections.
// Health is grpc-health-check's own implementation; the slow backend delays
// its Check answers by wrapping that implementation's handler.

import { createServer } from 'node:net';
import { Server, ServerCredentials, type UntypedServiceImplementation, type ServerCredentials as Credentials } from '@grpc/grpc-js';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import { IDENTITY_SERVICE } from './identity-backends.js';

export type HealthMode = 'serving' | 'no-health' | 'not-serving' | 'slow';

export interface HealthBackend {
  readonly mode: HealthMode;
  /** "127.0.0.1:port" */
  readonly address: string;
  stop(): Promise<void>;
}

export interface HealthBackendOptions {
  /** The gRPC-level name registered besides "" (doctor's default asks for the Kubernetes Service's name). */
  readonly serviceName?: string;
  /** For 'slow': milliseconds added to each Check answer. */
  readonly delayMs?: number;
  readonly credentials?: Credentials;
}

export async function startHealthBackend(mode: HealthMode, options: HealthBackendOptions = {}): Promise<HealthBackend> {
  const server = new Server();
  // Every backend serves a real service; health is what differs.
  server.addService(IDENTITY_SERVICE, { Who: (_call: unknown, callback: (error: null, reply: { backend: string }) => void) => callback(null, { backend: mode }) });
  if (mode !== 'no-health') {
    const status = mode === 'not-serving' ? 'NOT_SERVING' : 'SERVING';
    const health = new HealthImplementation({ '': status, ...(options.serviceName && { [options.serviceName]: status }) });
    if (mode === 'slow') {
      let handlers: UntypedServiceImplementation = {};
      health.addToServer({ addService: (_definition: unknown, implementation: UntypedServiceImplementation) => (handlers = implementation) } as unknown as Server);
      const check = handlers.check as (call: unknown, callback: unknown) => void;
      server.addService(healthService, { ...handlers, check: (call: unknown, callback: unknown) => setTimeout(() => check(call, callback), options.delayMs ?? 50) });
    } else {
      health.addToServer(server);
    }
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', options.credentials ?? ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    mode,
    address: `127.0.0.1:${port}`,
    // Forced: a test's doctor run is over by then, and nothing should wait on its connections.
    stop: async () => server.forceShutdown(),
  };
}

/** An address on 127.0.0.1 where nothing listens: a port taken from the system and given back. */
export async function refusingAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
