// An example backend: a Greeter server that says who it is, and reports its
// load with every answer (ORCA, for a client whose policy is
// lookaside_weighted_round_robin with {"loadReports": {}}): the calls it
// served in the last second and its event loop's utilization over it, the
// share of that second Node spent running code rather than waiting, which is
// what a Node process runs out of first. It serves grpc.health.v1 too, for
// the whole server (""), for greeter.v1.Greeter, and for "greeter", the
// Kubernetes Service's name, which `lookaside doctor` asks for by default:
// the readiness probe of deploy/examples/client-app.yaml asks for "".
//
// Locally (loopback, the name and port given):
//   npx tsx deploy/examples/greeter/greeter-backend.ts greeter-0 50061
// In a pod (client-app.yaml), from the environment: GREETER_HOST=0.0.0.0
// (every interface, so the pod IP answers), GREETER_PORT, and the replies
// name the pod (POD_NAME from the downward API, else HOSTNAME, which a pod's
// is). Flags --name, --host and --port override the environment.

import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Metadata, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { LOAD_REPORT_TRAILER, encodeLoadReport } from 'grpc-lookaside-client';
import { Greeter, type SayHelloResponse } from './greeter-proto.js';

/** The names health reports on besides "" (the whole server): the gRPC service, and the Kubernetes Service. */
export const GREETER_HEALTH_NAMES = ['greeter.v1.Greeter', 'greeter'] as const;
/** Where a backend listens when nothing says otherwise: this machine only. */
export const DEFAULT_GREETER_HOST = '127.0.0.1';
export const DEFAULT_GREETER_PORT = 50061;

export interface GreeterBackend {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** "host:port" as a client dials it (IPv6 in brackets). */
  readonly address: string;
  stop(): Promise<void>;
}

export async function startGreeterBackend(name: string, port: number, host = DEFAULT_GREETER_HOST): Promise<GreeterBackend> {
  const server = new Server();
  const health = new HealthImplementation(Object.fromEntries(['', ...GREETER_HEALTH_NAMES].map((n) => [n, 'SERVING' as const])));
  health.addToServer(server);
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
    host,
    port: bound,
    address: `${host.includes(':') ? `[${host}]` : host}:${bound}`,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler);
        // Health says NOT_SERVING while calls in flight finish: a probe or
        // doctor asking now is told the truth.
        for (const healthName of ['', ...GREETER_HEALTH_NAMES]) health.setStatus(healthName, 'NOT_SERVING');
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

export interface GreeterBackendSettings {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** The backend's name, address and port from flags, positionals ([name] [port]) and the environment, in that order. */
export function greeterBackendSettings(argv: readonly string[], env: NodeJS.ProcessEnv): GreeterBackendSettings {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { name: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } },
    allowPositionals: true,
  });
  const name = values.name ?? positionals[0] ?? env.POD_NAME ?? env.HOSTNAME ?? hostname();
  const host = values.host ?? env.GREETER_HOST ?? DEFAULT_GREETER_HOST;
  const portText = values.port ?? positionals[1] ?? env.GREETER_PORT ?? String(DEFAULT_GREETER_PORT);
  if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) throw new Error(`greeter port "${portText}" must be a port number from 0 to 65535 (0 picks a free one)`);
  return { name, host, port: Number(portText) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const settings = greeterBackendSettings(process.argv.slice(2), process.env);
  const backend = await startGreeterBackend(settings.name, settings.port, settings.host);
  console.log(`${backend.name} listening on ${backend.address}`);
  // A pod is sent SIGTERM: health turns NOT_SERVING, calls in flight finish, the process ends.
  process.once('SIGINT', () => void backend.stop());
  process.once('SIGTERM', () => void backend.stop());
}
