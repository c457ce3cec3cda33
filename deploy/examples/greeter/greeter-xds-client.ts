// The same application client with no lookaside code at all: a proxyless
// gRPC client. @grpc/grpc-js-xds is registered, GRPC_XDS_BOOTSTRAP names the
// bootstrap `lookaside xds-bootstrap` wrote, and the channel targets
// "xds:///greeter.default:50051". Go, Java, Python and C++ clients do the
// same with their own xDS support (see docs/xds.md).
//
//   npm run lookaside -- xds-bootstrap --control-plane 127.0.0.1:50051 --output /tmp/bootstrap.json
//   GRPC_XDS_BOOTSTRAP=/tmp/bootstrap.json npx tsx deploy/examples/greeter/greeter-xds-client.ts 1000
//
// grpc-js builds an HTTP/2 URL from the target, which rejects a port NAME
// ("greeter.default:grpc"); Node clients name the Service port by number.

import { pathToFileURL } from 'node:url';
import { credentials, Metadata } from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { formatSpread } from './greeter-client.js';
import { Greeter, type SayHelloResponse } from './greeter-proto.js';

export const GREETER_XDS_TARGET = 'xds:///greeter.default:50051';

/** Makes `calls` calls (16 at a time) over xDS and returns how many each backend answered. */
export async function runGreeterXdsClient(calls: number): Promise<Map<string, number>> {
  register();
  const client = new Greeter(GREETER_XDS_TARGET, credentials.createInsecure());
  const counts = new Map<string, number>();
  const sayHello = () =>
    new Promise<SayHelloResponse>((resolve, reject) =>
      client.SayHello({ name: 'xds' }, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response!))),
    );
  let started = 0;
  const worker = async () => {
    while (started < calls) {
      started++;
      const { backend } = await sayHello();
      counts.set(backend, (counts.get(backend) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    client.close();
  }
  return counts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const counts = await runGreeterXdsClient(Number(process.argv[2] ?? 1000));
  console.log(formatSpread(counts));
  // grpc-js-xds keeps its ADS stream open for later channels; this program is done.
  process.exit(0);
}
