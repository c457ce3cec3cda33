// The xDS example in one process, on one machine:
//
//   npx tsx deploy/examples/greeter/run-xds.ts [calls]
//
// Like run.ts, but the client is a proxyless gRPC client that knows nothing
// of lookaside: it starts the demo's three greeter backends (demo.ts,
// weights 100/200/300) and a control plane on their registry file, writes
// the bootstrap `lookaside xds-bootstrap` would print, points
// GRPC_XDS_BOOTSTRAP at it, and prints the spread of the calls on
// xds:///greeter.default:50051. Expect 16.7% / 33.3% / 50%.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { xdsBootstrap } from '../../../src/cli/xds-bootstrap.js';
import { startDemo } from './demo.js';
import { formatSpread } from './greeter-client.js';
import { GREETER_XDS_TARGET, runGreeterXdsClient } from './greeter-xds-client.js';

const calls = Number(process.argv[2] ?? 4000);
const demo = await startDemo({ port: 0, logger: pino({ level: process.env.LOOKASIDE_LOG_LEVEL ?? 'warn' }) });
const dir = await mkdtemp(join(tmpdir(), 'greeter-xds-'));
try {
  const bootstrap = join(dir, 'bootstrap.json');
  await writeFile(bootstrap, JSON.stringify(xdsBootstrap({ controlPlane: demo.address, nodeId: 'greeter-xds-example' }), null, 2));
  process.env.GRPC_XDS_BOOTSTRAP = bootstrap;
  console.log(`control plane on ${demo.address} serving ${demo.registryFile}`);
  console.log(`${calls} calls to ${GREETER_XDS_TARGET} (GRPC_XDS_BOOTSTRAP=${bootstrap})\n`);
  console.log(formatSpread(await runGreeterXdsClient(calls), demo.expectedShares));
} finally {
  await demo.stop();
  await rm(dir, { recursive: true, force: true });
}
// grpc-js-xds's client for the control plane lingers after the channel closes.
process.exit(0);
