// The xDS example in one process, on one machine:
//
//   npx tsx deploy/examples/greeter/run-xds.ts [calls]
//
// Like run.ts, but the client is a proxyless gRPC client that knows nothing
// of lookaside: it starts the three greeter backends of
// deploy/examples/registry.yaml (weights 100/100/200), a control plane on
// that file, writes the bootstrap `lookaside xds-bootstrap` would print,
// points GRPC_XDS_BOOTSTRAP at it, and prints the spread of the calls on
// xds:///greeter.default:50051. Expect 25% / 25% / 50%.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { xdsBootstrap } from '../../../src/cli/xds-bootstrap.js';
import { ControlPlane } from '../../../src/control-plane.js';
import { FileSource } from '../../../src/discovery/file/file-source.js';
import { startGreeterBackend } from './greeter-backend.js';
import { formatSpread } from './greeter-client.js';
import { GREETER_XDS_TARGET, runGreeterXdsClient } from './greeter-xds-client.js';

const REGISTRY_FILE = fileURLToPath(new URL('../registry.yaml', import.meta.url));
const BACKENDS = [
  { name: 'greeter-0', port: 50061, weight: 100 },
  { name: 'greeter-1', port: 50062, weight: 100 },
  { name: 'greeter-2', port: 50063, weight: 200 },
];

const calls = Number(process.argv[2] ?? 4000);
const backends = await Promise.all(BACKENDS.map((b) => startGreeterBackend(b.name, b.port)));
const controlPlane = await ControlPlane.start({
  logger: pino({ level: process.env.LOOKASIDE_LOG_LEVEL ?? 'warn' }),
  host: '127.0.0.1',
  port: 0,
  createSource: (registry, logger) => new FileSource({ path: REGISTRY_FILE, registry, logger }),
});
const dir = await mkdtemp(join(tmpdir(), 'greeter-xds-'));
try {
  const bootstrap = join(dir, 'bootstrap.json');
  await writeFile(bootstrap, JSON.stringify(xdsBootstrap({ controlPlane: `127.0.0.1:${controlPlane.port}`, nodeId: 'greeter-xds-example' }), null, 2));
  process.env.GRPC_XDS_BOOTSTRAP = bootstrap;
  console.log(`control plane on 127.0.0.1:${controlPlane.port} serving ${REGISTRY_FILE}`);
  console.log(`${calls} calls to ${GREETER_XDS_TARGET} (GRPC_XDS_BOOTSTRAP=${bootstrap})\n`);
  const counts = await runGreeterXdsClient(calls);
  const totalWeight = BACKENDS.reduce((sum, b) => sum + b.weight, 0);
  console.log(formatSpread(counts, new Map(BACKENDS.map((b) => [b.name, b.weight / totalWeight]))));
} finally {
  await controlPlane.stop(500);
  await Promise.all(backends.map((b) => b.stop()));
  await rm(dir, { recursive: true, force: true });
}
// grpc-js-xds's client for the control plane lingers after the channel closes.
process.exit(0);
