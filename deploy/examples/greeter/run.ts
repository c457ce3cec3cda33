// The demo once, then exit: what `npm run demo` does, on a free port, and
// without serving on afterwards (for scripts and a quick look):
//
//   npx tsx deploy/examples/greeter/run.ts [calls]
//
// It starts the three greeter backends of demo.ts (weights 100/200/300), a
// control plane on the registry file it writes, then the example client, and
// prints how the client's calls were spread. Expect 16.7% / 33.3% / 50%.

import { pino } from 'pino';
import { measureDemo, startDemo } from './demo.js';
import { formatSpread, GREETER_TARGET } from './greeter-client.js';

const calls = Number(process.argv[2] ?? 4000);
const demo = await startDemo({ port: 0, logger: pino({ level: process.env.LOOKASIDE_LOG_LEVEL ?? 'warn' }) });
try {
  console.log(`control plane on ${demo.address} serving ${demo.registryFile}`);
  console.log(`${calls} calls to ${GREETER_TARGET}\n`);
  console.log(formatSpread(await measureDemo(demo, calls), demo.expectedShares));
} finally {
  await demo.stop();
}
