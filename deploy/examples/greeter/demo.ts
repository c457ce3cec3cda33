// `npm run demo`: lookaside balancing on one machine, in one command.
//
//   npm run demo             # 3000 calls; `npm run demo -- 10000` for more
//   npm run demo -- --port 50052    # when 50051 is taken (then get and doctor need --server 127.0.0.1:50052)
//
// It starts three real greeter backends (grpc-js servers with gRPC health,
// on free ports of 127.0.0.1) with weights 100, 200 and 300, writes a
// registry file listing exactly those backends, serves it with a control
// plane on 127.0.0.1:50051 (the port `lookaside get` and `lookaside doctor`
// ask by default), sends calls through a lookaside client and prints each
// backend's share of them beside its weight's share. Then it keeps serving
// until Ctrl-C, so that the CLI can be tried against it:
//
//   npm run -s lookaside -- get greeter.default:grpc
//   npm run -s lookaside -- doctor greeter.default:grpc
//
// Everything listens on loopback only. test/deploy/greeter-demo.test.ts runs
// these same pieces (on free ports) and holds the shares and doctor's verdict.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { stringify } from 'yaml';
import { ControlPlane } from '../../../src/control-plane.js';
import { FileSource } from '../../../src/discovery/file/file-source.js';
import { startGreeterBackend, type GreeterBackend } from './greeter-backend.js';
import { formatSpread, GREETER_TARGET, runGreeterClient } from './greeter-client.js';

export interface DemoBackend {
  readonly name: string;
  readonly weight: number;
  readonly zone: string;
}

/** Three backends with different weights: the shares to expect are 1/6, 2/6 and 3/6. */
export const DEMO_BACKENDS: readonly DemoBackend[] = [
  { name: 'greeter-0', weight: 100, zone: 'zone-a' },
  { name: 'greeter-1', weight: 200, zone: 'zone-a' },
  { name: 'greeter-2', weight: 300, zone: 'zone-b' },
];
export const DEMO_HOST = '127.0.0.1';
export const DEMO_CONTROL_PLANE_PORT = 50051;

export interface Demo {
  readonly controlPlane: ControlPlane;
  /** The control plane as clients dial it: "127.0.0.1:port". */
  readonly address: string;
  readonly backends: readonly (GreeterBackend & { readonly weight: number })[];
  /** The registry file served: it lists exactly the running backends. */
  readonly registryFile: string;
  /** Each backend's share of the weights, by name. */
  readonly expectedShares: Map<string, number>;
  stop(): Promise<void>;
}

/** The registry file of the running backends: greeter.default, port "grpc" (50051). */
export function demoRegistryText(backends: readonly (GreeterBackend & { readonly weight: number; readonly zone: string })[]): string {
  const header = [
    '# Written by `npm run demo`: the greeter backends it runs, each on loopback.',
    '# Change a weight and save: the control plane serves the new weights within',
    '# a second, and the next client run follows them.',
  ].join('\n');
  const services = [
    {
      name: 'greeter',
      namespace: 'default',
      ports: [{ name: 'grpc', port: 50051, backends: backends.map((b) => ({ address: b.address, weight: b.weight, zone: b.zone, metadata: { pod: b.name } })) }],
    },
  ];
  return `${header}\n${stringify({ services })}`;
}

/**
 * Starts the demo's backends, writes their registry file into a new
 * directory and serves it on `port` (0 picks a free one).
 */
export async function startDemo(options: { port: number; logger: Logger; backends?: readonly DemoBackend[] }): Promise<Demo> {
  const specs = options.backends ?? DEMO_BACKENDS;
  const started = await Promise.all(specs.map(async (spec) => Object.assign(await startGreeterBackend(spec.name, 0, DEMO_HOST), { weight: spec.weight, zone: spec.zone })));
  const directory = await mkdtemp(join(tmpdir(), 'lookaside-demo-'));
  const stopBackends = () => Promise.all(started.map((b) => b.stop()));
  let controlPlane: ControlPlane;
  const registryFile = join(directory, 'registry.yaml');
  try {
    await writeFile(registryFile, demoRegistryText(started));
    controlPlane = await ControlPlane.start({
      logger: options.logger,
      host: DEMO_HOST,
      port: options.port,
      createSource: (registry, logger) => new FileSource({ path: registryFile, registry, logger }),
    });
  } catch (error) {
    await stopBackends();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const totalWeight = started.reduce((sum, b) => sum + b.weight, 0);
  return {
    controlPlane,
    address: `${DEMO_HOST}:${controlPlane.port}`,
    backends: started,
    registryFile,
    expectedShares: new Map(started.map((b) => [b.name, b.weight / totalWeight])),
    async stop() {
      await controlPlane.stop(1_000);
      await stopBackends();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Sends `calls` calls through a lookaside client once every backend answers, and returns how many each backend answered. */
export function measureDemo(demo: Demo, calls: number): Promise<Map<string, number>> {
  return runGreeterClient({ calls, controlPlane: demo.address, warmUpUntil: demo.backends.length });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { port: { type: 'string', default: String(DEMO_CONTROL_PLANE_PORT) } }, allowPositionals: true });
  const callsText = positionals[0] ?? '3000';
  if (!/^[0-9]+$/.test(callsText) || Number(callsText) < 1) throw new Error(`the number of calls "${callsText}" must be a whole number from 1`);
  if (!/^[0-9]+$/.test(values.port) || Number(values.port) > 65535) throw new Error(`--port "${values.port}" must be a port number from 0 to 65535`);
  const calls = Number(callsText);
  const port = Number(values.port);
  const logger = pino({ level: process.env.LOOKASIDE_LOG_LEVEL ?? 'warn' });
  let demo: Demo;
  try {
    demo = await startDemo({ port, logger });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const taken = /EADDRINUSE|address already in use/i.test(message) ? `(another control plane, or another demo, is on port ${port}: stop it, or run \`npm run demo -- --port 50052\`)\n` : '';
    process.stderr.write(`demo: cannot start: ${message}\n${taken}`);
    process.exit(1);
  }
  // get and doctor ask localhost:50051 unless told otherwise.
  const server = demo.controlPlane.port === DEMO_CONTROL_PLANE_PORT ? '' : ` --server ${demo.address}`;
  console.log(`backends:      ${demo.backends.map((b) => `${b.name} ${b.address} weight ${b.weight}`).join(', ')}`);
  console.log(`control plane: ${demo.address}, serving ${demo.registryFile}`);
  console.log(`\n${calls} calls to ${GREETER_TARGET}, balanced by the client on the control plane's weights:\n`);
  const counts = await measureDemo(demo, calls);
  console.log(formatSpread(counts, demo.expectedShares));
  console.log(`
The control plane keeps serving on ${demo.address} until Ctrl-C. In another terminal:
  npm run -s lookaside -- get greeter.default:grpc${server}        # the backends and weights it serves
  npm run -s lookaside -- doctor greeter.default:grpc${server}     # every check should pass
  LOOKASIDE_CONTROL_PLANE=${demo.address} npx tsx deploy/examples/greeter/greeter-client.ts 3000
Edit a weight in ${demo.registryFile} and run the client again: the spread follows.`);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    void demo.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
