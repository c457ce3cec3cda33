// Backends that refuse every connection, for benchmarks of big lists: any
// number of loopback addresses (127.x.y.z) on a port nothing listens on, so
// a client's connection to each is refused at once and nothing leaves the
// machine.

import { createServer } from 'node:net';

/** The i-th closed backend's host: 127.x.y.z from 127.1.0.1 up (over 16 million of them). */
export function closedHost(i: number): string {
  const n = i + 1;
  return `127.${1 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** A port nothing listens on (bound on 0.0.0.0, then closed), so every 127.x.y.z refuses it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
