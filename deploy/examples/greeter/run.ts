// The whole example in one process, on one machine:
//
//   npx tsx deploy/examples/greeter/run.ts [calls]
//
// It starts the three greeter backends that deploy/examples/registry.yaml
// lists (127.0.0.1:50061, :50062, :50063, weights 100/100/200), a control
// plane on that file (on a free port), then the example client, and prints
// how the client's calls were spread. Expect 25% / 25% / 50%.

import { pino } from 'pino';
import { fileURLToPath } from 'node:url';
import { ControlPlane } from '../../../src/control-plane.js';
import { FileSource } from '../../../src/discovery/file/file-source.js';
import { startGreeterBackend } from './greeter-backend.js';
import { formatSpread, runGreeterClient } from './greeter-client.js';

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
try {
  console.log(`control plane on 127.0.0.1:${controlPlane.port} serving ${REGISTRY_FILE}`);
  console.log(`${calls} calls to lookaside:///greeter.default:grpc\n`);
  const counts = await runGreeterClient({ calls, controlPlane: `127.0.0.1:${controlPlane.port}` });
  const totalWeight = BACKENDS.reduce((sum, b) => sum + b.weight, 0);
  console.log(formatSpread(counts, new Map(BACKENDS.map((b) => [b.name, b.weight / totalWeight]))));
} finally {
  await controlPlane.stop(1_000);
  await Promise.all(backends.map((b) => b.stop()));
}
