// An example application client. It registers lookaside once, then uses an
// ordinary grpc-js client on "lookaside:///greeter.default:grpc": every call
// is balanced across the service's current backends by their weights.
//
//   LOOKASIDE_CONTROL_PLANE=127.0.0.1:50051 npx tsx deploy/examples/greeter/greeter-client.ts 1000

import { pathToFileURL } from 'node:url';
import { credentials, Metadata } from '@grpc/grpc-js';
// An application imports this as 'grpc-lookaside/client'.
import { lookasideChannelOptions, registerLookaside } from 'grpc-lookaside-client';
import { Greeter, type SayHelloResponse } from './greeter-proto.js';

export const GREETER_TARGET = 'lookaside:///greeter.default:grpc';

/** Makes `calls` calls (16 at a time) and returns how many each backend answered. */
export async function runGreeterClient(options: { calls: number; controlPlane?: string }): Promise<Map<string, number>> {
  registerLookaside({ ...(options.controlPlane && { controlPlane: options.controlPlane }) });
  const client = new Greeter(GREETER_TARGET, credentials.createInsecure(), lookasideChannelOptions());
  const counts = new Map<string, number>();
  const sayHello = () =>
    new Promise<SayHelloResponse>((resolve, reject) =>
      client.SayHello({ name: 'lookaside' }, new Metadata(), { deadline: Date.now() + 5_000 }, (error, response) => (error ? reject(error) : resolve(response!))),
    );
  let started = 0;
  const worker = async () => {
    while (started < options.calls) {
      started++;
      const { backend } = await sayHello();
      counts.set(backend, (counts.get(backend) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    // Closing the last client closes the shared watch too: the process can exit.
    client.close();
  }
  return counts;
}

/** The spread as a table: backend, calls, share. */
export function formatSpread(counts: Map<string, number>, expected?: Map<string, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const lines = [`${'backend'.padEnd(12)} ${'calls'.padStart(6)} ${'share'.padStart(7)}${expected ? ` ${'expected'.padStart(9)}` : ''}`];
  for (const [backend, count] of rows) {
    const share = `${((count / total) * 100).toFixed(1)}%`;
    const want = expected?.get(backend);
    lines.push(`${backend.padEnd(12)} ${String(count).padStart(6)} ${share.padStart(7)}${want !== undefined ? ` ${`${(want * 100).toFixed(1)}%`.padStart(9)}` : ''}`);
  }
  lines.push(`${'total'.padEnd(12)} ${String(total).padStart(6)}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const calls = Number(process.argv[2] ?? 1000);
  const counts = await runGreeterClient({ calls });
  console.log(formatSpread(counts));
}
