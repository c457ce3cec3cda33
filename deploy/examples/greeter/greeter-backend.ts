// An example backend: a Greeter server that says who it is.
//
//   npx tsx deploy/examples/greeter/greeter-backend.ts greeter-0 50061

import { pathToFileURL } from 'node:url';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Greeter, type SayHelloResponse } from './greeter-proto.js';

export interface GreeterBackend {
  readonly name: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startGreeterBackend(name: string, port: number, host = '127.0.0.1'): Promise<GreeterBackend> {
  const server = new Server();
  server.addService(Greeter.service, {
    SayHello: (call: ServerUnaryCall<{ name: string }, SayHelloResponse>, callback: sendUnaryData<SayHelloResponse>) => {
      callback(null, { message: `Hello, ${call.request.name || 'world'}`, backend: name });
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, p) => (error ? reject(new Error(`${name} cannot listen on ${host}:${port}: ${error.message}`)) : resolve(p))),
  );
  return {
    name,
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [name = 'greeter-0', port = '50061'] = process.argv.slice(2);
  const backend = await startGreeterBackend(name, Number(port));
  console.log(`${backend.name} listening on 127.0.0.1:${backend.port}`);
  process.once('SIGINT', () => void backend.stop());
  process.once('SIGTERM', () => void backend.stop());
}
