// An example backend: a Greeter server that says who it is, and reports its
// load with every answer (ORCA, for a client whose policy is
// lookaside_weighted_round_robin with {"loadReports": {}}): the calls it
// served in the last second and its event loop's utilization over it, the
// share of that second Node spent running code rather than waiting, which is
// what a Node process runs out of first.
//
//   npx tsx deploy/examples/greeter/greeter-backend.ts greeter-0 50061

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Metadata, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { LOAD_REPORT_TRAILER, encodeLoadReport } from 'grpc-lookaside-client';
import { Greeter, type SayHelloResponse } from './greeter-proto.js';

export interface GreeterBackend {
  readonly name: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startGreeterBackend(name: string, port: number, host = '127.0.0.1'): Promise<GreeterBackend> {
  const server = new Server();
  // The load of the last whole second, refreshed once a second.
  const load = { qps: 0, applicationUtilization: 0 };
  let served = 0;
  let loopBefore = performance.eventLoopUtilization();
  const sampler = setInterval(() => {
    const loopNow = performance.eventLoopUtilization();
    load.applicationUtilization = performance.eventLoopUtilization(loopNow, loopBefore).utilization;
    loopBefore = loopNow;
    load.qps = served;
    served = 0;
  }, 1_000);
  sampler.unref();
  server.addService(Greeter.service, {
    SayHello: (call: ServerUnaryCall<{ name: string }, SayHelloResponse>, callback: sendUnaryData<SayHelloResponse>) => {
      served++;
      const trailer = new Metadata();
      trailer.set(LOAD_REPORT_TRAILER, encodeLoadReport(load));
      callback(null, { message: `Hello, ${call.request.name || 'world'}`, backend: name }, trailer);
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
        clearInterval(sampler);
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
